// Package smoke runs post-deploy smoke tests of a Helm release through the
// Kubernetes API: a suite file (package suite, aliased here: Load/Parse,
// every error "file:line"), four check kinds — http (through a port-forward
// to a ready pod, or a --base-url override), endpoints (ready EndpointSlice
// endpoints per Service of the release), helm-tests (the release's test
// hooks through the Helm SDK, after removing leftovers of earlier runs) and
// job (a Job from a template) — a parallel runner with per-check and overall
// timeouts, a JSON-serialisable Summary that promote and safe-rollback
// journal, and a JUnit XML writer.
//
// Use it as a library: smoke.New(cfg).Run(ctx, smoke.Options{…}).
package smoke
