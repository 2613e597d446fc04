//go:build e2e

package e2e

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// The release TestDistribution installs from — `make dist` twice in a clone
// of HEAD, the second time signed — needs no cluster. TestMain starts it with
// the package, beside the cluster's start and the sequential tests, instead
// of last in the queue of parallel tests, where its two builds ran alone at
// the end of the suite (≈ 2.5 min on 2 cores, docs/testing.md).
type distBuild struct {
	done  chan struct{}
	clone string
	err   error
}

// distStarted is the build TestMain started; nil when the run's -run or
// -skip leaves TestDistribution out (it then builds for itself).
var distStarted *distBuild

// startDistBuild builds in dir, in the background.
func startDistBuild(repo, dir string) *distBuild {
	b := &distBuild{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.clone, b.err = buildDist(repo, dir)
	}()
	return b
}

// wait returns the clone holding dist/, or fails the test.
func (b *distBuild) wait(h *harness.T) string {
	h.Helper()
	<-b.done
	if b.err != nil {
		h.Fatal(b.err)
	}
	return b.clone
}

// buildDist builds the linux/amd64 release twice in a clone of repo's HEAD,
// the second time signed with a key made for the run, and checks the two
// runs give identical checksums (signing adds files, never changes an
// archive); it returns the clone.
func buildDist(repo, dir string) (string, error) {
	signEnv, err := writeSigningKey(dir)
	if err != nil {
		return "", err
	}
	// named like the plugin: Helm finds a VCS-installed plugin by its origin's name
	clone := filepath.Join(dir, "stella")
	if out, err := exec.Command("git", "clone", "-q", repo, clone).CombinedOutput(); err != nil {
		return "", fmt.Errorf("git clone: %w %s", err, out)
	}
	var sums [2]string
	for i := range sums {
		cmd := exec.Command("make", "dist", "DIST_PLATFORMS=linux/amd64")
		cmd.Dir = clone
		if i == 1 {
			cmd.Env = append(os.Environ(), signEnv...)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("make dist: %w\n%s", err, out)
		}
		b, err := os.ReadFile(filepath.Join(clone, "dist/SHA256SUMS"))
		if err != nil {
			return "", err
		}
		sums[i] = string(b)
	}
	if sums[0] != sums[1] || !strings.Contains(sums[0], "kubectl-stella_v") || !strings.Contains(sums[0], "  stella-") {
		return "", fmt.Errorf("make dist is not reproducible or incomplete:\n%s\n---\n%s", sums[0], sums[1])
	}
	return clone, nil
}

// selected tells whether the run's -run and -skip select the top-level test
// name. Only their top-level element counts: a -run naming a subtest selects
// the whole test, a -skip naming a subtest skips none of it.
func selected(name string) bool {
	pattern := func(flagName string) string {
		if f := flag.Lookup(flagName); f != nil {
			return f.Value.String()
		}
		return ""
	}
	matches := func(p string) bool {
		top, _, _ := strings.Cut(p, "/")
		ok, err := regexp.MatchString(top, name)
		return ok || err != nil
	}
	if run := pattern("test.run"); run != "" && !matches(run) {
		return false
	}
	skip := pattern("test.skip")
	return skip == "" || strings.Contains(skip, "/") || !matches(skip)
}
