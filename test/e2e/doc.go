// Package e2e holds the end-to-end tests of kubectl-stella and helm-stella
// (build tag e2e), run by `make e2e` on the local control plane.
package e2e
