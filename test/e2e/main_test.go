//go:build e2e

// Package e2e proves both plugins end to end on the local control plane.
package e2e

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

func TestMain(m *testing.M) {
	flag.Parse()
	var dir string
	if selected("TestDistribution") {
		repo, err := harness.RepoRoot()
		if err == nil {
			dir, err = os.MkdirTemp("", "stella-dist-")
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
			os.Exit(1)
		}
		distStarted = startDistBuild(repo, dir)
	}
	code := harness.Main(m)
	if distStarted != nil {
		<-distStarted.done // a failed run may end before TestDistribution waited for it
		_ = os.RemoveAll(dir)
	}
	os.Exit(code)
}
