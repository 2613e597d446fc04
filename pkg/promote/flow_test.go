package promote

import (
	"context"
	"os"
	"path/filepath"
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

const webDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "{{ .Values.image }}"}]}
`

// promoteFixture: a plain chart (no channels file) on disk, revisions 1
// and 2 in Helm's memory storage, the live Deployment in the fake clientset.
func promoteFixture(t *testing.T, ready bool) (*Promote, *kube.Config, *k8sfake.Clientset) {
	dir := t.TempDir()
	chartDir := filepath.Join(dir, "chart")
	files := map[string]string{
		"chart/Chart.yaml":            "apiVersion: v2\nname: web\nversion: 2.0.0\n",
		"chart/templates/deploy.yaml": webDeployment,
		"values.yaml":                 "image: registry.example/web:2.0\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, typed := guardtest.Config("web")
	guardtest.Store(t, cfg, "web", 1, release.StatusSuperseded, "1.0.0", webDeployment)
	guardtest.Store(t, cfg, "web", 2, release.StatusDeployed, "1.1.0", webDeployment)
	if _, err := typed.AppsV1().Deployments("web").Create(context.Background(), guardtest.Deployment("web", "web", "web", ready), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := New(cfg)
	p.Release, p.Chart, p.ValuesFiles, p.Config = "web", chartDir, []string{filepath.Join(dir, "values.yaml")}, filepath.Join(dir, "channels.yaml")
	p.Timeout, p.GitDir = time.Second, dir
	return p, cfg, typed
}

// promote through the guard, in-process: each outcome with its journal
// entry, Helm's history and the released lock.
func TestPromoteFlows(t *testing.T) {
	tests := []struct {
		name    string
		ready   bool
		setup   func(t *testing.T, p *Promote, typed *k8sfake.Clientset)
		outcome journal.Outcome
		code    exit.Code
		entry   journal.Outcome // the journal's ("" = none)
		last    int
		status  release.Status // of the last revision
	}{
		{name: "succeeded", ready: true, outcome: journal.Succeeded, code: exit.OK, entry: journal.Succeeded, last: 3, status: release.StatusDeployed},
		{name: "not healthy in time: rolled back", outcome: journal.RolledBack, code: exit.Timeout, entry: journal.RolledBack, last: 4, status: release.StatusDeployed},
		{name: "no rollback: left in place, marked failed", outcome: journal.Failed, code: exit.Timeout, entry: journal.Failed, last: 3, status: release.StatusFailed,
			setup: func(_ *testing.T, p *Promote, _ *k8sfake.Clientset) { p.NoRollback = true }},
		{name: "refused: lock held", ready: true, outcome: journal.Refused, code: exit.Refused, last: 2, status: release.StatusDeployed,
			setup: func(t *testing.T, _ *Promote, typed *k8sfake.Clientset) {
				if _, err := lock.Acquire(context.Background(), typed, "web", "web", lock.Options{User: "bob", Operation: "safe-rollback"}); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "journal write failed", ready: true, outcome: journal.Succeeded, code: exit.Operational, entry: journal.InProgress, last: 3, status: release.StatusDeployed,
			setup: func(_ *testing.T, _ *Promote, typed *k8sfake.Clientset) {
				typed.PrependReactor("update", "configmaps", guardtest.Forbid("configmaps"))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, cfg, typed := promoteFixture(t, tt.ready)
			if tt.setup != nil {
				tt.setup(t, p, typed)
			}
			res, err := p.Run(context.Background())
			if res == nil || res.Outcome != tt.outcome || exit.CodeOf(err) != tt.code {
				t.Fatalf("result %+v, code %d: %v; want %s, code %d", res, exit.CodeOf(err), err, tt.outcome, tt.code)
			}
			checkPromoted(t, cfg, res, tt.entry, tt.last, tt.status)
		})
	}
}

// An interrupt while the new revision is awaited rolls back: interrupted.
func TestPromoteInterrupted(t *testing.T) {
	p, cfg, _ := promoteFixture(t, false)
	p.Timeout = 10 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(300 * time.Millisecond); cancel() }()
	res, err := p.Run(ctx)
	if res == nil || res.Outcome != journal.Interrupted || exit.CodeOf(err) != exit.Operational || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("result %+v: %v", res, err)
	}
	checkPromoted(t, cfg, res, journal.Interrupted, 4, release.StatusDeployed)
}

func checkPromoted(t *testing.T, cfg *kube.Config, res *Result, entry journal.Outcome, last int, status release.Status) {
	t.Helper()
	st := guardtest.After(t, cfg, "web")
	st.Check(t, entry, last)
	if st.Last.Info.Status != status {
		t.Errorf("helm: revision %d is %s (%q), want %s", st.Last.Version, st.Last.Info.Status, st.Last.Info.Description, status)
	}
	if entry != "" && len(st.Entries) == 1 && st.Entries[0].ID != res.Journal {
		t.Errorf("journal entry %s, result names %s", st.Entries[0].ID, res.Journal)
	}
	if entry == journal.RolledBack && res.Rollback == "" {
		t.Error("rollback not in the result")
	}
}
