// Package verify is the verify-pods operation: it discovers a release's
// workloads (Helm ownership annotations meta.helm.sh/release-name and
// -namespace, or a label selector; one namespace or all), evaluates them
// with the rules of package health, optionally waits with package watch
// (fail fast, --stable-for, timeout), and gathers the evidence of every
// unhealthy pod: the last related Events and, with Logs, the last log lines.
//
// A healthy namespace costs a handful of LISTs (pods, deployments,
// statefulsets, daemonsets, jobs), filtered locally, never one GET per
// workload; watches are opened only with Wait. promote and safe-rollback call
// Run as a library: the Result carries the whole verdict and its evidence and
// is JSON-serialisable.
package verify
