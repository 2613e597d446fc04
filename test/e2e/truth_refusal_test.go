//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// rbWants fails the test for each wanted fragment missing from s.
func rbWants(h *harness.T, what, s string, wants ...string) {
	h.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			h.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

// A holder killed while holding the release lock: safe-rollback's refusal
// says since when, until when, and that the holder's pid is gone from this
// host; --plan, which writes nothing, still answers; nothing changes.
func TestTruthRefusalDeadLockHolder(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbHelm(h, true)
	rbHelm(h, true, "--set-json", rbNote)
	a := startLockHolder(t, h, "alice", rbRel, "5m", 0)
	if !a.outcome(t) {
		t.Fatalf("alice refused: %s", a.stderr.String())
	}
	pid := a.cmd.Process.Pid
	if err := a.cmd.Process.Kill(); err != nil { // our own child, by pid: no release
		t.Fatal(err)
	}
	<-a.exited

	plan := rbRun(h, "--plan")
	if plan.Code != 0 || !strings.Contains(plan.Stdout, "2 → 1") {
		h.Fatalf("--plan under a held lock: exit %d\n%s\n%s", plan.Code, plan.Stdout, plan.Stderr)
	}
	r := rbRun(h)
	if r.Code != 5 {
		h.Fatalf("under a held lock: exit %d, want 5\n%s", r.Code, r.Stderr)
	}
	rbWants(h, "lock refusal", r.Stderr, "alice (safe-rollback on ", " since ", " ago); the lock expires at ",
		fmt.Sprintf("pid %d is no longer running on this host", pid), "still honoured until it expires")
	if _, ok := rbHistory(h)[3]; ok || len(rbEntries(h)) != 0 {
		h.Errorf("a refusal changed something")
	}
}

// A stuck pending-upgrade younger than --stale-after: --recover says when
// it applies and the whole command with -n; past it, recovery is journaled
// as the recover operation with both sides' revisions.
func TestTruthRefusalRecoverTooSoon(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbHelm(h, true)
	rbHelm(h, true, "--set-json", rbNote)
	v := rbStuck(h) // pending since an hour ago

	r := rbRun(h, "--recover", "--stale-after", "2h")
	if r.Code != 5 {
		h.Fatalf("--recover inside --stale-after: exit %d, want 5\n%s", r.Code, r.Stderr)
	}
	rbWants(h, "stale refusal", r.Stderr, "less than --stale-after 2h0m0s", "--recover applies from ", "(in ",
		"helm stella safe-rollback "+rbRel+" --recover --namespace "+h.Namespace+" --stale-after 2h0m0s")
	if !strings.Contains(r.Stderr, "(in 59m") && !strings.Contains(r.Stderr, "(in 1h0m0s)") { // ≈ 1 h, rounded to the second
		h.Fatalf("stale refusal does not say it applies in about an hour:\n%s", r.Stderr)
	}
	if hist := rbHistory(h); hist[v].Status != "pending-upgrade" || len(rbEntries(h)) != 0 {
		h.Fatalf("a refusal changed something: %+v", hist)
	}

	r = rbRun(h, "--recover", "--stale-after", "30m", "-o", "json")
	if r.Code != 0 {
		h.Fatalf("--recover past --stale-after: exit %d\n%s", r.Code, r.Stderr)
	}
	es := rbEntries(h)
	if len(es) != 1 {
		h.Fatalf("journal entries = %d", len(es))
	}
	rbCheckOp(h, es[0], journal.Recover, journal.Succeeded, v, 2, "")
	out := h.Must(h.Run(h.Plugin("kubectl-stella"), "journal", rbRel, "-n", h.Namespace)).Stdout
	rbWants(h, "journal", out, "recover")
}

// promote journals the digests it replaced and the ones it deployed.
func TestTruthJournalPromoteDigests(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	truthHelm(h, "install", "values-dev.yaml")
	r := h.Run(h.Plugin("helm-stella"), "promote", rbRel, h.Example("deploy/helm/stellaops"), "-n", h.Namespace,
		"-f", h.Example("deploy/helm/stellaops/values-stage.yaml"), "--config", h.Example("deploy/channels.yaml"),
		"--channel", "stable", "--no-smoke", "--timeout", "2m")
	if r.Code != 0 {
		t.Fatalf("promote: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	es := rbEntries(h)
	if len(es) != 1 || es[0].Operation != journal.Promote {
		t.Fatalf("journal entries = %+v", es)
	}
	has := func(m map[string]string, d string) bool {
		for _, ref := range m {
			if strings.HasSuffix(ref, "@"+d) {
				return true
			}
		}
		return false
	}
	e := es[0]
	if e.From.Revision != 1 || e.To.Revision != 2 || !has(e.From.Digests, edgeAuthority) || !has(e.To.Digests, stableAuthority) {
		t.Errorf("promote entry from %d %v → to %d %v", e.From.Revision, e.From.Digests, e.To.Revision, e.To.Digests)
	}
}
