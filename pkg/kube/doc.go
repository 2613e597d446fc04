// Package kube builds, once, the clients every cluster operation needs
// (typed, dynamic, REST mapper, and Helm's action.Configuration) from a
// RESTClientGetter: kubectl's ConfigFlags or Helm's cli.EnvSettings. Commands
// call Init before Run; operations receive the Config and never build clients.
// It also holds what every API caller shares: Retry/Transient for the writes
// that must survive an API server restart, and APIError, which turns a
// refusal into "forbidden: needs VERB on RESOURCE in namespace …".
package kube
