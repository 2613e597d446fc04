package guard

import (
	"context"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/release"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sfake "k8s.io/client-go/kubernetes/fake"

	"github.com/stella-ops/stella-plugins/pkg/guard/guardtest"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/lock"
)

// The fixture, as Helm's actionConfigFixture: Helm's memory storage driver
// and fake kube client for the release, client-go's fake clientset for the
// Lease lock and the journal's ConfigMaps.
const (
	ns  = "web"
	rel = "web"
)

type fixture struct {
	cfg   *kube.Config
	typed *k8sfake.Clientset
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	cfg, typed := guardtest.Config(ns)
	f := &fixture{cfg: cfg, typed: typed}
	f.store(t, 1, release.StatusSuperseded, "1.0.0")
	f.store(t, 2, release.StatusDeployed, "1.1.0")
	return f
}

// store puts revision v of the release into Helm's storage.
func (f *fixture) store(t *testing.T, v int, s release.Status, chartVersion string) {
	t.Helper()
	guardtest.Store(t, f.cfg, rel, v, s, chartVersion, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-"+chartVersion+"\n")
}

// upgrade creates the next revision through Helm's own action, as a
// promote's change does.
func (f *fixture) upgrade(ctx context.Context, chartVersion string) (*release.Release, error) {
	up := action.NewUpgrade(f.cfg.Helm)
	up.Namespace = ns
	ch := guardtest.Chart(chartVersion, map[string]string{"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n"})
	// never a context that ends: Helm would mark the revision failed (see promote.upgrade)
	return up.RunWithContext(context.WithoutCancel(ctx), rel, ch, map[string]any{})
}

func (f *fixture) last(t *testing.T) *release.Release {
	t.Helper()
	r, err := f.cfg.Helm.Releases.Last(rel)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// entries are the journal's entries of the release.
func (f *fixture) entries(t *testing.T) []journal.Entry {
	t.Helper()
	es, err := Entries(context.Background(), f.cfg, rel)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// leased reports whether the release's Lease exists (a held lock).
func (f *fixture) leased(t *testing.T) bool {
	t.Helper()
	i, err := lock.Get(context.Background(), f.typed, ns, rel)
	if err != nil {
		t.Fatal(err)
	}
	return i != nil
}

func (f *fixture) guard() *Guard {
	g := New(f.cfg)
	g.Release, g.Operation, g.MaxHistory = rel, "promote", 10
	return g
}

// testChange is a Change whose Apply the test writes; it records what the
// guard handed it.
type testChange struct {
	apply  func(ctx context.Context) (bool, error)
	undo   Undo
	closed []string
	begun  bool
	end    *Verdict
}

func (c *testChange) Begin(_ context.Context, who identity.Who, closed []string) (journal.Entry, error) {
	c.begun, c.closed = true, closed
	start := time.Now().UTC()
	return journal.Entry{ID: journal.NewID(rel, start), Operation: journal.Promote, Release: rel,
		Namespace: ns, Who: who, Start: start, Outcome: journal.InProgress, Reason: "test"}, nil
}

func (c *testChange) Apply(ctx context.Context) (bool, error) { return c.apply(ctx) }
func (c *testChange) Undo() Undo                              { return c.undo }
func (c *testChange) End(e *journal.Entry, v Verdict) {
	c.end = &v
	if v.Err != nil {
		e.Notes = v.Err.Error()
	}
}

var metav1Delete = metav1.DeleteOptions{}

var journalWho = identity.Who{User: "carol", Source: "kubeconfig"}
