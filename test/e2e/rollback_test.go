//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

const (
	rbRel    = "stellaops"
	rbSecret = "e2e-Rb-M0ngoPassw0rd"
	rbCrash  = `podAnnotations={"authority":{"stella.test/simulate":"crashloop"}}`
	rbNote   = `podAnnotations={"authority":{"stella.test/note":"v2"}}`
)

// rbHelm runs helm3 upgrade --install of the example chart with the values
// secret that must never appear in any output.
func rbHelm(h *harness.T, wait bool, extra ...string) {
	h.Helper()
	args := append([]string{"upgrade", "--install", rbRel, h.Example("deploy/helm/stellaops"),
		"-f", h.Example("deploy/helm/stellaops/values-dev.yaml"), "--set", "secrets.mongoPassword=" + rbSecret,
		"-n", h.Namespace, "--timeout", "2m"}, extra...)
	if wait {
		args = append(args, "--wait")
	}
	h.Must(h.Run(h.Helm3(), args...))
}

// rbRun runs helm stella safe-rollback and checks no output leaks the secret.
func rbRun(h *harness.T, args ...string) harness.Result {
	h.Helper()
	r := h.Run(h.Plugin("helm-stella"), append([]string{"safe-rollback", rbRel, "-n", h.Namespace}, args...)...)
	if strings.Contains(r.Stdout+r.Stderr, rbSecret) {
		h.Fatalf("safe-rollback output leaks the mongo password:\n%s\n%s", r.Stdout, r.Stderr)
	}
	return r
}

type rbResult struct {
	Decision struct {
		Target struct {
			Revision int
			Bookmark string
			Restore  bool
		}
	}
	NewRevision int
	Recovered   int
	Outcome     string
	Verify      struct {
		Verdict   string
		Workloads []struct {
			Findings []struct{ Reason string }
		}
	}
}

func rbJSON(h *harness.T, r harness.Result) rbResult {
	h.Helper()
	var res rbResult
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		h.Fatalf("safe-rollback -o json: %v\n%s\n%s", err, r.Stdout, r.Stderr)
	}
	return res
}

func rbEntries(h *harness.T) []journal.Entry {
	h.Helper()
	es, err := journal.New(h.Client, h.Namespace).List(context.Background(), rbRel, time.Time{})
	if err != nil {
		h.Fatalf("journal: %v", err)
	}
	return es
}

// rbHistory is helm3 history as revision → release fields.
func rbHistory(h *harness.T) map[int]struct{ Status, Description string } {
	h.Helper()
	out := h.Must(h.Run(h.Helm3(), "history", rbRel, "-n", h.Namespace, "-o", "json")).Stdout
	var list []struct {
		Revision            int
		Status, Description string
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		h.Fatalf("helm history: %v\n%s", err, out)
	}
	m := map[int]struct{ Status, Description string }{}
	for _, r := range list {
		m[r.Revision] = struct{ Status, Description string }{r.Status, r.Description}
	}
	return m
}

// rbCheckEntry asserts the fields every final safe-rollback entry has.
func rbCheckEntry(h *harness.T, e journal.Entry, outcome journal.Outcome, from, to int, reason string) {
	h.Helper()
	rbCheckOp(h, e, journal.SafeRollback, outcome, from, to, reason)
}

// rbCheckOp is rbCheckEntry for an entry of operation op.
func rbCheckOp(h *harness.T, e journal.Entry, op journal.Operation, outcome journal.Outcome, from, to int, reason string) {
	h.Helper()
	if e.Operation != op || e.Release != rbRel || e.Namespace != h.Namespace {
		h.Errorf("entry identity = %s %s/%s", e.Operation, e.Namespace, e.Release)
	}
	if e.Outcome != outcome || e.From.Revision != from || e.To.Revision != to || e.Reason != reason {
		h.Errorf("entry = outcome %s %d → %d reason %q, want %s %d → %d %q", e.Outcome, e.From.Revision, e.To.Revision, e.Reason, outcome, from, to, reason)
	}
	if e.Who.User == "" || e.Start.IsZero() || !e.End.After(e.Start) || e.Duration <= 0 || e.RollbackDuration != e.Duration {
		h.Errorf("entry who/when = %+v start %s end %s duration %v rollback %v", e.Who, e.Start, e.End, e.Duration, e.RollbackDuration)
	}
	if e.From.ChartVersion == "" || e.To.ChartVersion == "" {
		h.Errorf("entry chart versions = %q → %q", e.From.ChartVersion, e.To.ChartVersion)
	}
	if b, _ := json.Marshal(e); strings.Contains(string(b), rbSecret) {
		h.Errorf("journal entry holds the secret")
	}
}

func TestSafeRollbackAfterCrashloop(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbHelm(h, true)
	rbHelm(h, false, "--set-json", rbCrash)

	plan := rbRun(h, "--plan")
	if plan.Code != 0 || !strings.Contains(plan.Stdout, "2 → 1") || !strings.Contains(plan.Stdout, "podAnnotations.authority") ||
		!strings.Contains(plan.Stdout, "nothing changed") {
		h.Fatalf("--plan exit %d:\n%s\n%s", plan.Code, plan.Stdout, plan.Stderr)
	}
	if n := len(rbHistory(h)); n != 2 || len(rbEntries(h)) != 0 {
		h.Fatalf("--plan changed something: %d revisions", n)
	}

	suite := filepath.Join(t.TempDir(), "smoke.yaml")
	if err := os.WriteFile(suite, []byte("release: stellaops\nchecks:\n  - name: authority-endpoints\n    endpoints: {min: 1, services: [stellaops-authority]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := rbRun(h, "--reason", "authority crashloop", "--timeout", "2m", "--smoke", suite, "-o", "json")
	res := rbJSON(h, r)
	if r.Code != 0 || res.Outcome != "succeeded" || res.Verify.Verdict != "healthy" || res.NewRevision != 3 || res.Decision.Target.Revision != 1 {
		h.Fatalf("exit %d result %+v\n%s", r.Code, res, r.Stderr)
	}
	if hist := rbHistory(h); hist[3].Status != "deployed" || hist[3].Description != "Rollback to 1" {
		h.Errorf("history = %+v", hist)
	}
	es := rbEntries(h)
	if len(es) != 1 {
		h.Fatalf("journal entries = %d, want 1", len(es))
	}
	rbCheckEntry(h, es[0], journal.Succeeded, 2, 1, "authority crashloop")
	if !strings.Contains(es[0].Notes, "helm rollback → revision 3") || len(es[0].Evidence) != 0 {
		h.Errorf("entry notes %q evidence %v", es[0].Notes, es[0].Evidence)
	}
	var sm struct{ Passed, Failed int }
	if err := json.Unmarshal(es[0].Smoke, &sm); err != nil || sm.Passed != 1 || sm.Failed != 0 {
		h.Errorf("journaled smoke = %s (%v)", es[0].Smoke, err)
	}
	md := h.Must(h.Run(h.Plugin("kubectl-stella"), "journal", rbRel, "-n", h.Namespace, "--format", "markdown")).Stdout
	if !strings.Contains(md, "| Date (UTC)") || !strings.Contains(md, "rollback") {
		h.Errorf("markdown rows:\n%s", md)
	}
}

func TestSafeRollbackOntoBrokenRevision(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbHelm(h, true)
	rbHelm(h, false, "--set-json", rbCrash)
	rbHelm(h, true)
	r := rbRun(h, "--revision", "2", "--timeout", "90s", "--reason", "drill")
	if r.Code != 2 || !strings.Contains(r.Stdout, "CrashLoopBackOff") {
		h.Fatalf("exit %d, want 2 with evidence:\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	es := rbEntries(h)
	if len(es) != 1 {
		h.Fatalf("journal entries = %d", len(es))
	}
	rbCheckEntry(h, es[0], journal.Failed, 3, 2, "drill")
	found := false
	for _, ev := range es[0].Evidence {
		found = found || (ev.Reason == "CrashLoopBackOff" && strings.HasPrefix(ev.Pod, rbRel+"-authority-") && ev.Container == "authority" && len(ev.Events) > 0)
	}
	if !found {
		h.Errorf("evidence = %+v, want an authority CrashLoopBackOff", es[0].Evidence)
	}
}

func TestSafeRollbackRestoresPrunedFromBookmark(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	// Helm's --history-max never prunes the revision that is deployed when
	// the next one is created, so the default target (the newest deployed or
	// superseded revision before the current one, here 2) survives pruning
	// (--history-max 2 prunes revision 1 only). It is lost when its release
	// record is deleted outside Helm; then only the bookmark holds it.
	rbHelm(h, true, "--history-max", "2")
	rbHelm(h, true, "--history-max", "2", "--set-json", rbNote)
	h.Must(h.Run(h.Plugin("kubectl-stella"), "bookmark", rbRel, "--name", "rb-good", "-n", h.Namespace))
	rbHelm(h, false, "--history-max", "2", "--set-json", rbCrash)
	hist := rbHistory(h)
	if _, ok := hist[1]; ok {
		h.Fatal("revision 1 not pruned")
	}
	if _, ok := hist[2]; !ok {
		h.Fatal("helm pruned revision 2, the last deployed one")
	}
	h.Must(h.Run(h.Kubectl(), "delete", "secret", "sh.helm.release.v1."+rbRel+".v2", "-n", h.Namespace))
	if _, ok := rbHistory(h)[2]; ok {
		h.Fatal("revision 2 still in Helm's history")
	}
	r := rbRun(h, "--timeout", "2m", "-o", "json")
	res := rbJSON(h, r)
	if r.Code != 0 || !res.Decision.Target.Restore || res.Decision.Target.Bookmark != "rb-good" || res.NewRevision != 4 {
		h.Fatalf("exit %d result %+v\n%s", r.Code, res, r.Stderr)
	}
	if d := rbHistory(h)[4]; d.Status != "deployed" || d.Description != "stella safe-rollback to bookmark rb-good" {
		h.Errorf("revision 4 = %+v", d)
	}
	vals := h.Must(h.Run(h.Helm3(), "get", "values", rbRel, "-n", h.Namespace, "-o", "json")).Stdout
	if strings.Contains(vals, "crashloop") || !strings.Contains(vals, "v2") || !strings.Contains(vals, rbSecret) {
		h.Errorf("restored values are not the bookmark's")
	}
	es := rbEntries(h)
	if len(es) != 1 {
		h.Fatalf("journal entries = %d", len(es))
	}
	rbCheckEntry(h, es[0], journal.Succeeded, 3, 2, "")
	if !strings.Contains(es[0].Notes, "restored from bookmark rb-good → revision 4") {
		h.Errorf("notes = %q", es[0].Notes)
	}
}
