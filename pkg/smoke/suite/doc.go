// Package suite is the smoke suite file model (docs/smoke.md): a suite's
// defaults and its checks — http, endpoints, helm-tests, job — with Load and
// Parse, which decode strictly and validate what decoding cannot (one kind
// per check, unique names, sane numbers, templates that parse), every error
// invalid input naming "file:line". It depends on YAML only, not on the
// Kubernetes or Helm clients; package smoke plans and runs a suite.
package suite
