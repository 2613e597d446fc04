//go:build e2e

// Package apifault kills -9 (and restarts) the kube-apiserver of a private
// control plane while bookmark, promote and safe-rollback run. It is its own
// package so that `go test ./test/e2e/...` runs it alongside the shared
// control plane's suite instead of after it.
package apifault

import (
	"os"
	"testing"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.MainPrivate(m)) }
