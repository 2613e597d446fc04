//go:build e2e

// Package e2e proves both plugins end to end on the local control plane.
package e2e

import (
	"os"
	"testing"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
