//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// Digests of the example tree's authority image: edge (values-dev.yaml,
// 1 replica) and stable (values-stage.yaml, 2 replicas).
const (
	edgeAuthority   = "sha256:afca4c4df2dadca510e8695fdcf40e5ea409783e275c66bc4f9a7612a08027c7"
	stableAuthority = "sha256:de65905c766bc33cb7bc96a8c5b18ff393bb95b10e8ef759b6efa3d648bd134e"
)

// truthHelm runs the real helm v3 CLI on the example chart with one of its
// values files, as a new user would.
func truthHelm(h *harness.T, verb, values string) {
	h.Helper()
	h.Must(h.Run(h.Helm3(), verb, rbRel, h.Example("deploy/helm/stellaops"), "-n", h.Namespace,
		"-f", h.Example("deploy/helm/stellaops/"+values), "--wait", "--timeout", "2m"))
}

// truthEdgeStableEdge is install edge → upgrade stable → upgrade edge:
// revision 2 is stable, revision 3 edge.
func truthEdgeStableEdge(h *harness.T) {
	h.Helper()
	truthHelm(h, "install", "values-dev.yaml")
	truthHelm(h, "upgrade", "values-stage.yaml")
	truthHelm(h, "upgrade", "values-dev.yaml")
}

type truthResult struct {
	Outcome  string
	Decision struct{ Target struct{ Revision int } }
	Verify   struct {
		Verdict, DigestSource string
		Pins                  map[string]string
	}
}

// truthRollback runs one safe-rollback and asserts exit 0, verified, with
// the wanted authority pin.
func truthRollback(h *harness.T, wantAuthority string, args ...string) truthResult {
	h.Helper()
	r := rbRun(h, append(args, "--timeout", "2m", "-o", "json")...)
	var res truthResult
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		h.Fatalf("safe-rollback %v: exit %d, %v\n%s\n%s", args, r.Code, err, r.Stdout, r.Stderr)
	}
	if r.Code != 0 || res.Outcome != "succeeded" || res.Verify.Verdict != "healthy" {
		h.Fatalf("safe-rollback %v: exit %d outcome %s verdict %s\n%s\n%s", args, r.Code, res.Outcome, res.Verify.Verdict, r.Stdout, r.Stderr)
	}
	if res.Verify.Pins["authority"] != wantAuthority {
		h.Fatalf("safe-rollback %v verified authority against %q, want %s (source %s)", args, res.Verify.Pins["authority"], wantAuthority, res.Verify.DigestSource)
	}
	truthReplicas(h, wantAuthority)
	return res
}

// truthReplicas asserts the authority Deployment's replicas of the
// channel that pins want (stable 2, edge 1), all ready.
func truthReplicas(h *harness.T, want string) {
	h.Helper()
	n := int32(1)
	if want == stableAuthority {
		n = 2
	}
	d, err := h.Client.AppsV1().Deployments(h.Namespace).Get(context.Background(), rbRel+"-authority", metav1.GetOptions{})
	if err != nil {
		h.Fatal(err)
	}
	if *d.Spec.Replicas != n || d.Status.ReadyReplicas < n {
		h.Fatalf("authority replicas %d (ready %d), want %d", *d.Spec.Replicas, d.Status.ReadyReplicas, n)
	}
}

// Rollbacks between revisions that change digests and replica counts are
// verified against the target's pins without judging the pods the rollout
// replaces: every run exits 0.
func TestTruthRollbackAlternatesDigests(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	truthEdgeStableEdge(h)
	for i := range 10 {
		rev, want := 2, stableAuthority
		if i%2 == 1 {
			rev, want = 3, edgeAuthority
		}
		res := truthRollback(h, want, "--revision", fmt.Sprint(rev))
		if res.Verify.DigestSource != fmt.Sprintf("revision %d's manifest", rev) {
			t.Errorf("run %d: digest source %q", i, res.Verify.DigestSource)
		}
	}
	es := rbEntries(h)
	if len(es) != 10 {
		t.Fatalf("journal entries = %d, want 10", len(es))
	}
	for _, e := range es {
		if e.Outcome != journal.Succeeded {
			t.Errorf("entry %s: %s (%s)", e.ID, e.Outcome, e.Notes)
		}
	}
}

// A bookmark of an older revision records that revision's pins from its
// stored manifest and says its pod table is not live; rollbacks to
// bookmarks alternate between digests and are verified against the
// bookmark's pins, named as such.
func TestTruthRollbackToBookmarksAlternates(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	truthEdgeStableEdge(h)
	ks := h.Plugin("kubectl-stella")
	// edge runs now; revision 2 is stable's
	var b struct {
		Revision int
		PodsLive bool
		Pins     map[string]string
		Pods     []any
	}
	out := h.Must(h.Run(ks, "bookmark", rbRel, "-n", h.Namespace, "--revision", "2", "--name", "stable-r2", "-o", "json")).Stdout
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	if b.Revision != 2 || b.PodsLive || len(b.Pods) != 0 || b.Pins["Deployment/stellaops-authority/authority"] != stableAuthority {
		t.Fatalf("bookmark of revision 2 while edge runs: %s", out)
	}
	show := h.Must(h.Run(ks, "bookmark", "show", "stable-r2", "-n", h.Namespace)).Stdout
	if !strings.Contains(show, "PINS (revision 2's manifest)") || !strings.Contains(show, "was not the running revision") {
		t.Errorf("bookmark show does not say where its digests come from:\n%s", show)
	}
	out = h.Must(h.Run(ks, "bookmark", rbRel, "-n", h.Namespace, "--name", "edge-r3", "-o", "json")).Stdout
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	if b.Revision != 3 || !b.PodsLive || len(b.Pods) == 0 || b.Pins["Deployment/stellaops-authority/authority"] != edgeAuthority {
		t.Fatalf("bookmark of the running revision: %s", out)
	}
	for i := range 10 {
		name, want := "stable-r2", stableAuthority
		if i%2 == 1 {
			name, want = "edge-r3", edgeAuthority
		}
		res := truthRollback(h, want, "--to-bookmark", name)
		if src := res.Verify.DigestSource; !strings.HasPrefix(src, "bookmark "+name+" (revision ") || !strings.Contains(src, "manifest") {
			t.Errorf("run %d: digest source %q", i, src)
		}
	}
}

// After install edge → upgrade stable → upgrade edge, 10 promotes
// alternating between the channels' values files (stable and edge digests,
// 2 and 1 replicas) verify every time; --no-smoke skips the suite and
// journals it as skipped.
func TestTruthPromoteAlternates(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	truthEdgeStableEdge(h)
	suite := h.EndpointsSuite()
	for i := range 10 {
		values, ch := "values-stage.yaml", "stable"
		if i%2 == 1 {
			values, ch = "values-dev.yaml", "edge"
		}
		args := []string{"promote", rbRel, h.Example("deploy/helm/stellaops"), "-n", h.Namespace,
			"-f", h.Example("deploy/helm/stellaops/" + values), "--config", h.Example("deploy/channels.yaml"),
			"--channel", ch, "--timeout", "2m", "--lock-timeout", "30s"}
		if i == 9 {
			args = append(args, "--no-smoke")
		} else {
			args = append(args, "--smoke-suite", suite)
		}
		r := h.Run(h.Plugin("helm-stella"), args...)
		if r.Code != 0 {
			t.Fatalf("promote %d (%s): exit %d\n%s\n%s", i, ch, r.Code, r.Stdout, r.Stderr)
		}
		if ch == "stable" {
			truthReplicas(h, stableAuthority)
		} else {
			truthReplicas(h, edgeAuthority)
		}
	}
	es := rbEntries(h)
	if len(es) != 10 {
		t.Fatalf("journal entries = %d", len(es))
	}
	for i, e := range es {
		want := stableAuthority
		if i%2 == 1 {
			want = edgeAuthority
		}
		if e.Outcome != journal.Succeeded || e.To.Revision != i+4 || !truthDeployed(e.To.Digests, want) {
			t.Errorf("promote %d: outcome %s, revision %d, digests %v (want authority %s)", i, e.Outcome, e.To.Revision, e.To.Digests, want)
		}
	}
	last := es[len(es)-1]
	if last.Outcome != journal.Succeeded || !strings.Contains(string(last.Smoke), `"skipped":true`) {
		t.Errorf("--no-smoke entry: outcome %s smoke %s", last.Outcome, last.Smoke)
	}
}

// truthDeployed reports whether a journaled from/to digest map holds digest d.
func truthDeployed(m map[string]string, d string) bool {
	for _, ref := range m {
		if strings.HasSuffix(ref, "@"+d) {
			return true
		}
	}
	return false
}
