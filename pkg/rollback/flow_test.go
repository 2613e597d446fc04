package rollback

import (
	"context"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/release"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sfake "k8s.io/client-go/kubernetes/fake"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/guard/guardtest"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/lock"
)

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
`

// fixture: revision 1 deployed earlier, revision 2 the current one; the
// default target is revision 1.
func fixture(t *testing.T, ready bool) (*kube.Config, *k8sfake.Clientset) {
	cfg, typed := guardtest.Config("web")
	guardtest.Store(t, cfg, "web", 1, release.StatusSuperseded, "1.0.0", deployment)
	guardtest.Store(t, cfg, "web", 2, release.StatusDeployed, "1.1.0", deployment)
	if _, err := typed.AppsV1().Deployments("web").Create(context.Background(), guardtest.Deployment("web", "web", "web", ready), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return cfg, typed
}

func run(ctx context.Context, t *testing.T, cfg *kube.Config) (*Result, error) {
	t.Helper()
	op := New(cfg)
	op.Release, op.Timeout, op.Reason = "web", 1500*time.Millisecond, "test"
	return op.Run(ctx)
}

// safe-rollback through the guard, in-process: each outcome, the journal
// entry, Helm's history and the lock.
func TestSafeRollbackFlows(t *testing.T) {
	tests := []struct {
		name    string
		ready   bool
		setup   func(t *testing.T, cfg *kube.Config, typed *k8sfake.Clientset)
		outcome journal.Outcome
		code    exit.Code
		entry   journal.Outcome // the journal's ("" = no entry)
		last    int             // Helm's last revision
	}{
		{name: "succeeded", ready: true, outcome: journal.Succeeded, code: exit.OK, entry: journal.Succeeded, last: 3},
		{name: "verification timed out", outcome: journal.Failed, code: exit.Timeout, entry: journal.Failed, last: 3},
		// Decide refuses before the guard is asked: no result, nothing changed
		{name: "refused: lock held", ready: true, code: exit.Refused, last: 2,
			setup: func(t *testing.T, cfg *kube.Config, typed *k8sfake.Clientset) {
				if _, err := lock.Acquire(context.Background(), typed, "web", "web", lock.Options{User: "bob", Operation: "promote"}); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "journal write failed", ready: true, outcome: journal.Succeeded, code: exit.Operational, entry: journal.InProgress, last: 3,
			setup: func(_ *testing.T, _ *kube.Config, typed *k8sfake.Clientset) {
				typed.PrependReactor("update", "configmaps", guardtest.Forbid("configmaps"))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, typed := fixture(t, tt.ready)
			if tt.setup != nil {
				tt.setup(t, cfg, typed)
			}
			res, err := run(context.Background(), t, cfg)
			if (res == nil) != (tt.outcome == "") || res != nil && res.Outcome != tt.outcome || exit.CodeOf(err) != tt.code {
				t.Fatalf("result %+v, code %d: %v; want %s, code %d", res, exit.CodeOf(err), err, tt.outcome, tt.code)
			}
			checkAfter(t, cfg, tt.entry, tt.last)
			if tt.code == exit.Refused && !strings.Contains(err.Error(), "locked by bob") {
				t.Errorf("refusal: %v", err)
			}
		})
	}
}

// An interrupt while verification waits: interrupted (exit 1), journaled.
func TestSafeRollbackInterrupted(t *testing.T) {
	cfg, _ := fixture(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(300 * time.Millisecond); cancel() }()
	res, err := run(ctx, t, cfg)
	if res == nil || res.Outcome != journal.Interrupted || exit.CodeOf(err) != exit.Operational || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("result %+v: %v", res, err)
	}
	checkAfter(t, cfg, journal.Interrupted, 3)
}

func checkAfter(t *testing.T, cfg *kube.Config, entry journal.Outcome, last int) {
	t.Helper()
	st := guardtest.After(t, cfg, "web")
	st.Check(t, entry, last)
	if entry != "" && len(st.Entries) == 1 && st.Entries[0].Operation != journal.SafeRollback {
		t.Errorf("journal operation %s, want safe-rollback", st.Entries[0].Operation)
	}
}
