// Package harness runs the e2e tests of both plugins against the project's
// local control plane (test/cluster): it starts one control plane per test
// run, or reuses a running one, gives each test its own namespace, runs the
// real binaries (kubectl-stella, helm-stella, kubectl, helm) against it, and
// stops what it started.
package harness
