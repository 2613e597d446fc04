//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// A promote killed (SIGKILL) while it waits leaves its entry in progress;
// the next safe-rollback closes it as unknown with the Helm revision that
// promote created and a duration that ends at its last lock renewal, not
// at the closing.
func TestTruthJournalOrphanedPromote(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	truthHelm(h, "install", "values-stage.yaml")
	never := filepath.Join(h.TempDir(), "never.yaml")
	if err := os.WriteFile(never, []byte("podAnnotations:\n  authority:\n    stella.test/simulate: never-ready\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := harness.Start(t, h.Env.Kubeconfig, h.Plugin("helm-stella"), "promote", rbRel, h.Example("deploy/helm/stellaops"),
		"-n", h.Namespace, "-f", h.Example("deploy/helm/stellaops/values-stage.yaml"), "-f", never,
		"--config", h.Example("deploy/channels.yaml"), "--channel", "stable", "--no-smoke", "--timeout", "5m", "--lock-timeout", "10s")
	h.Eventually(60*time.Second, "promote waits on revision 2", func() (bool, error) {
		return strings.Contains(p.Stderr(), "wait:"), nil
	})
	time.Sleep(2 * time.Second)
	if err := p.Cmd.Process.Kill(); err != nil { // our own child, by pid
		t.Fatal(err)
	}
	killed := time.Now()
	p.Wait(t, 10*time.Second)
	if es := rbEntries(h); len(es) != 1 || es[0].Outcome != journal.InProgress {
		t.Fatalf("killed promote's entry: %+v", es)
	}
	time.Sleep(12 * time.Second) // the lock expires --lock-timeout after its last renewal

	r := rbRun(h, "--revision", "1", "--timeout", "2m", "-o", "json")
	var res struct{ ClosedJournalEntries []string }
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || r.Code != 0 {
		t.Fatalf("safe-rollback after the killed promote: exit %d %v\n%s\n%s", r.Code, err, r.Stdout, r.Stderr)
	}
	var orphan *journal.Entry
	es := rbEntries(h)
	for i := range es {
		if es[i].Operation == journal.Promote {
			orphan = &es[i]
		}
	}
	if orphan == nil || len(res.ClosedJournalEntries) != 1 || res.ClosedJournalEntries[0] != orphan.ID {
		t.Fatalf("closed %v, entries %+v", res.ClosedJournalEntries, es)
	}
	if orphan.Outcome != journal.Unknown || orphan.From.Revision != 1 {
		t.Errorf("orphan: outcome %s, from revision %d", orphan.Outcome, orphan.From.Revision)
	}
	// the revision it created, dated by its record (Helm's storage labels
	// can carry revision 1's modifiedAt: helmx.RevisionSince)
	if orphan.To.Revision != 2 {
		t.Errorf("orphan (start %s): outcome %s, revision %d → %d; Helm's records:\n%s", orphan.Start.Format(time.RFC3339Nano), orphan.Outcome,
			orphan.From.Revision, orphan.To.Revision, h.Run(h.Kubectl(), "get", "secrets", "-n", h.Namespace, "-l", "owner=helm", "--show-labels").Stdout)
	}
	// it ran until killed: its end is its last renewal (every ≈ 3 s), well before the closing
	if orphan.End.IsZero() || orphan.End.After(killed) || killed.Sub(orphan.End) > 5*time.Second ||
		!strings.Contains(orphan.Notes, "duration until its lock was last renewed") {
		t.Errorf("orphan ends %v (killed %v), notes %q", orphan.End, killed, orphan.Notes)
	}
	out := h.Must(h.Run(h.Plugin("kubectl-stella"), "journal", rbRel, "-n", h.Namespace)).Stdout
	if !strings.Contains(out, "unknown") {
		t.Errorf("journal table:\n%s", out)
	}
}
