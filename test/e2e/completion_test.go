//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// TestCompletion: release and bookmark names complete from the cluster,
// directly and through kubectl's plugin completion (kubectl_complete-stella).
func TestCompletion(t *testing.T) {
	h := harness.New(t)
	h.Must(h.Run(h.Helm3(), "install", "stellaops", h.Example("deploy/helm/stellaops"), "-n", h.Namespace,
		"-f", h.Example("deploy/helm/stellaops/values-dev.yaml")))
	h.Must(h.Run(h.Plugin("kubectl-stella"), "bookmark", "stellaops", "-n", h.Namespace, "--name", "bm-before-upgrade"))
	h.Must(h.Run(h.Plugin("kubectl-stella"), "bookmark", "stellaops", "-n", h.Namespace, "--name", "other-bookmark"))

	lines := func(r harness.Result) []string {
		h.Must(r)
		var out []string
		for _, l := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
			if !strings.HasPrefix(l, ":") {
				out = append(out, l)
			}
		}
		return out
	}
	ks := h.Plugin("kubectl-stella")
	if got := lines(h.Run(ks, "__complete", "-n", h.Namespace, "bookmark", "show", "")); strings.Join(got, ",") != "bm-before-upgrade,other-bookmark" {
		t.Fatalf("bookmark show completion = %v", got)
	}
	if got := lines(h.Run(ks, "__complete", "-n", h.Namespace, "bookmark", "delete", "bm")); strings.Join(got, ",") != "bm-before-upgrade" {
		t.Fatalf("bookmark delete completion with prefix = %v", got)
	}
	if got := lines(h.Run(ks, "__complete", "-n", h.Namespace, "verify-pods", "")); strings.Join(got, ",") != "stellaops" {
		t.Fatalf("verify-pods release completion = %v", got)
	}
	hs := h.Plugin("helm-stella")
	if got := lines(h.Run(hs, "__complete", "safe-rollback", "stellaops", "--to-bookmark", "")); strings.Join(got, ",") != "bm-before-upgrade,other-bookmark" {
		t.Fatalf("--to-bookmark completion = %v", got)
	}

	// through kubectl: kubectl ≥ 1.26 runs kubectl_complete-stella from PATH
	dir := t.TempDir()
	for name, target := range map[string]string{
		"kubectl":                 h.Kubectl(),
		"kubectl-stella":          ks,
		"kubectl_complete-stella": filepath.Join(h.Env.Repo, "scripts/kubectl_complete-stella"),
	} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"PATH=" + dir + ":/usr/bin:/bin"}
	got := lines(h.RunEnv(env, "kubectl", "__complete", "stella", "-n", h.Namespace, "bookmark", "show", ""))
	if strings.Join(got, ",") != "bm-before-upgrade,other-bookmark" {
		t.Fatalf("kubectl plugin completion = %v", got)
	}
}
