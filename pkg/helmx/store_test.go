package helmx

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	helmtime "helm.sh/helm/v3/pkg/time"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/stella-ops/stella-plugins/pkg/kube"
)

func rel(name string, v int, st release.Status) *release.Release {
	return &release.Release{
		Name: name, Version: v, Namespace: "ns",
		Info:     &release.Info{Status: st},
		Chart:    &chart.Chart{Metadata: &chart.Metadata{Name: "app", Version: "1.0.0", AppVersion: "2.0"}},
		Config:   map[string]interface{}{"password": "s3cret"},
		Manifest: fmt.Sprintf("# revision %d\n", v),
	}
}

// store writes history through Helm's own Secret driver, so the test reads
// exactly what Helm stores.
func store(t *testing.T, rels ...*release.Release) (*Store, *fake.Clientset) {
	t.Helper()
	c := fake.NewSimpleClientset()
	d := driver.NewSecrets(c.CoreV1().Secrets("ns"))
	for _, r := range rels {
		if err := d.Create(fmt.Sprintf("sh.helm.release.v1.%s.v%d", r.Name, r.Version), r); err != nil {
			t.Fatal(err)
		}
	}
	c.ClearActions()
	return NewForClient(c, "ns"), c
}

func TestGet(t *testing.T) {
	history := []*release.Release{
		rel("web", 1, release.StatusSuperseded), rel("web", 2, release.StatusDeployed),
		rel("web", 3, release.StatusFailed), rel("db", 1, release.StatusPendingInstall),
	}
	cases := []struct {
		name, release string
		version       int
		want          int
		status        string
		err           error
	}{
		{"deployed, not the newest", "web", 0, 2, "deployed", nil},
		{"one revision", "web", 1, 1, "superseded", nil},
		{"failed revision", "web", 3, 3, "failed", nil},
		{"no deployed revision: newest", "db", 0, 1, "pending-install", nil},
		{"unknown revision", "web", 9, 0, "", ErrNotFound},
		{"unknown release", "nope", 0, 0, "", ErrNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := store(t, history...)
			rec, err := s.Get(context.Background(), c.release, c.version)
			if c.err != nil {
				if !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.release) {
					t.Fatalf("err = %v, want %v naming %s", err, c.err, c.release)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r, err := rec.Release()
			if err != nil {
				t.Fatal(err)
			}
			if rec.Version != c.want || rec.Status != c.status || r.Version != c.want || r.Manifest != fmt.Sprintf("# revision %d\n", c.want) {
				t.Fatalf("got %+v / release v%d %q", rec.Revision, r.Version, r.Manifest)
			}
			if r.Config["password"] != "s3cret" || r.Chart.Metadata.Version != "1.0.0" {
				t.Fatalf("release not decoded in full: %+v", r)
			}
		})
	}
}

// TestGetReadsOneRevision proves the read is one label-selected list,
// whatever the history length.
func TestGetReadsOneRevision(t *testing.T) {
	var history []*release.Release
	for v := 1; v <= 30; v++ {
		history = append(history, rel("web", v, release.StatusSuperseded))
	}
	history[29].Info.Status = release.StatusDeployed
	s, c := store(t, history...)
	if _, err := s.Get(context.Background(), "web", 0); err != nil {
		t.Fatal(err)
	}
	acts := c.Actions()
	if len(acts) != 1 || acts[0].GetVerb() != "list" {
		t.Fatalf("actions = %v, want one list", acts)
	}
	sel := fmt.Sprint(acts[0])
	for _, l := range []string{"owner=helm", "name=web", "status=deployed"} {
		if !strings.Contains(sel, l) {
			t.Errorf("selector %s lacks %s", sel, l)
		}
	}
}

// TestLast: the newest revision whatever its status, exactly as Helm's
// Releases.Last picks it (Get(…, 0) prefers the deployed one), read as a
// metadata list and then one revision by its version label.
func TestLast(t *testing.T) {
	history := []*release.Release{
		rel("web", 1, release.StatusSuperseded), rel("web", 2, release.StatusDeployed),
		rel("web", 3, release.StatusFailed), rel("db", 1, release.StatusPendingInstall),
		rel("api", 4, release.StatusDeployed), rel("api", 5, release.StatusPendingRollback),
	}
	cases := []struct {
		release string
		want    int
	}{{"web", 3}, {"db", 1}, {"api", 5}, {"nope", 0}}
	for _, c := range cases {
		t.Run(c.release, func(t *testing.T) {
			s, fc := store(t, history...)
			helm := storage.Init(driver.NewSecrets(fc.CoreV1().Secrets("ns")))
			want, herr := helm.Last(c.release)
			fc.ClearActions()
			rec, err := s.Last(context.Background(), c.release)
			if c.want == 0 {
				if !errors.Is(err, ErrNotFound) || herr == nil {
					t.Fatalf("err = %v (helm: %v), want ErrNotFound", err, herr)
				}
				return
			}
			if err != nil || herr != nil {
				t.Fatal(err, herr)
			}
			r, err := rec.Release()
			if err != nil || rec.Version != c.want || r.Version != want.Version || r.Manifest != want.Manifest {
				t.Fatalf("got v%d (%v), helm's Last v%d", rec.Version, err, want.Version)
			}
			acts := fc.Actions()
			if len(acts) != 2 || !strings.Contains(fmt.Sprint(acts[1]), fmt.Sprintf("version=%d", c.want)) {
				t.Fatalf("actions = %v, want a list, then one revision's", acts)
			}
			if n, err := s.Newest(context.Background(), c.release); err != nil || n.Version != c.want {
				t.Fatalf("newest = %+v, %v", n, err)
			}
		})
	}
}

func TestRevisionsAndReleases(t *testing.T) {
	s, _ := store(t, rel("web", 2, release.StatusDeployed), rel("web", 1, release.StatusSuperseded),
		rel("web", 3, release.StatusPendingUpgrade), rel("db", 1, release.StatusDeployed))
	revs, err := s.Revisions(context.Background(), "web")
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 3 || revs[0].Version != 1 || revs[2].Version != 3 || revs[2].Object != "sh.helm.release.v1.web.v3" {
		t.Fatalf("revisions = %+v", revs)
	}
	if revs[0].CreatedAt.IsZero() {
		t.Error("createdAt label not read")
	}
	if p, ok := PendingRevision(revs); !ok || p.Version != 3 {
		t.Errorf("pending = %+v %v", p, ok)
	}
	if c, _ := Current(revs); c.Version != 2 {
		t.Errorf("current = %+v", c)
	}
	names, err := s.Releases(context.Background())
	if err != nil || strings.Join(names, ",") != "db,web" {
		t.Fatalf("releases = %v, %v", names, err)
	}
	if revs, err := s.Revisions(context.Background(), "none"); err != nil || len(revs) != 0 {
		t.Fatalf("unknown release revisions = %v, %v", revs, err)
	}
}

func TestCurrentAndPending(t *testing.T) {
	cases := []struct {
		name    string
		revs    []Revision
		current int
		pending int
	}{
		{"empty", nil, 0, 0},
		{"deployed wins over newer failed", []Revision{{Version: 1, Status: "deployed"}, {Version: 2, Status: "failed"}}, 1, 0},
		{"no deployed: newest", []Revision{{Version: 1, Status: "failed"}, {Version: 2, Status: "pending-install"}}, 2, 2},
		{"pending rollback", []Revision{{Version: 4, Status: "deployed"}, {Version: 5, Status: "pending-rollback"}, {Version: 3, Status: "pending-upgrade"}}, 4, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur, _ := Current(c.revs)
			pen, _ := PendingRevision(c.revs)
			if cur.Version != c.current || pen.Version != c.pending {
				t.Fatalf("current %d pending %d, want %d %d", cur.Version, pen.Version, c.current, c.pending)
			}
		})
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	r := rel("web", 7, release.StatusDeployed)
	b, err := Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil || got.Version != 7 || got.Manifest != r.Manifest || got.Info.Status != release.StatusDeployed {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	if _, err := Decode([]byte("not base64!")); err == nil {
		t.Fatal("garbage must not decode")
	}
}

// TestConfigMapAndMemoryDrivers: HELM_DRIVER=configmap is read with the
// same label-selected list; other drivers through Helm's storage.
func TestConfigMapAndMemoryDrivers(t *testing.T) {
	c := fake.NewSimpleClientset()
	cm := driver.NewConfigMaps(c.CoreV1().ConfigMaps("ns"))
	mem := driver.NewMemory()
	mem.SetNamespace("ns")
	for _, d := range []driver.Driver{cm, mem} {
		for _, r := range []*release.Release{rel("web", 1, release.StatusSuperseded), rel("web", 2, release.StatusDeployed)} {
			if err := d.Create(fmt.Sprintf("sh.helm.release.v1.%s.v%d", r.Name, r.Version), r); err != nil {
				t.Fatal(err)
			}
		}
		s := New(&kube.Config{Namespace: "ns", Typed: c, Helm: &action.Configuration{Releases: storage.Init(d)}})
		rec, err := s.Get(context.Background(), "web", 0)
		if err != nil {
			t.Fatalf("%s: %v", d.Name(), err)
		}
		r, err := rec.Release()
		if err != nil || rec.Version != 2 || r.Manifest != "# revision 2\n" {
			t.Fatalf("%s: %+v %v", d.Name(), rec.Revision, err)
		}
		revs, err := s.Revisions(context.Background(), "web")
		if err != nil || len(revs) != 2 {
			t.Fatalf("%s revisions: %+v %v", d.Name(), revs, err)
		}
		names, err := s.Releases(context.Background())
		if err != nil || len(names) != 1 || names[0] != "web" {
			t.Fatalf("%s releases: %v %v", d.Name(), names, err)
		}
	}
}

// The revision an orphaned operation created: above its from revision,
// created at or after its start by its own record's LastDeployed — not by
// the storage labels, which Helm's upgrade copies from the previous
// revision (reproduced here through Helm's own Secret driver).
func TestRevisionSince(t *testing.T) {
	start := time.Now().Add(-time.Minute).Truncate(time.Second) // the labels carry the real clock
	deployed := func(v int, d time.Duration, st release.Status) *release.Release {
		r := rel("web", v, st)
		r.Info.LastDeployed = helmtime.Time{Time: start.Add(d)}
		return r
	}
	c := fake.NewSimpleClientset()
	d := driver.NewSecrets(c.CoreV1().Secrets("ns"))
	key := func(v int) string { return fmt.Sprintf("sh.helm.release.v1.web.v%d", v) }
	r1 := deployed(1, -time.Hour, release.StatusDeployed)
	if err := d.Create(key(1), r1); err != nil {
		t.Fatal(err)
	}
	if err := d.Update(key(1), r1); err != nil { // pending-install → deployed
		t.Fatal(err)
	}
	sec, err := c.CoreV1().Secrets("ns").Get(context.Background(), key(1), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sec.Labels["modifiedAt"] = fmt.Sprint(start.Add(-time.Hour).Unix()) // installed an hour ago
	if _, err := c.CoreV1().Secrets("ns").Update(context.Background(), sec, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	last, err := d.Query(map[string]string{"name": "web", "owner": "helm"})
	if err != nil || len(last) != 1 {
		t.Fatalf("query: %v %d", err, len(last))
	}
	r2 := deployed(2, 5*time.Second, release.StatusPendingUpgrade)
	r2.Labels = last[0].Labels // what action.Upgrade's mergeCustomLabels does
	for _, write := range []func(string, *release.Release) error{d.Create, d.Update} {
		if err := write(key(2), r2); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Create(key(3), deployed(3, time.Minute, release.StatusDeployed)); err != nil { // someone's later upgrade
		t.Fatal(err)
	}
	s := NewForClient(c, "ns")
	revs, err := s.Revisions(context.Background(), "web")
	if err != nil || len(revs) != 3 {
		t.Fatalf("revisions: %v %+v", err, revs)
	}
	if !revs[1].CreatedAt.IsZero() || revs[1].ModifiedAt.After(start) {
		t.Fatalf("no longer reproduces Helm's label copy (revision 2 dated before the start by its labels): %+v", revs[1])
	}
	cases := []struct {
		name string
		revs []Revision
		from int
		want int
	}{
		{"from known: the oldest above it created since start", revs, 1, 2},
		{"from unknown: the newest created since start", revs, 0, 3},
		{"nothing created since start", revs[:1], 1, 0},
		{"created before start", revs[:2], 2, 0},
	}
	for _, tc := range cases {
		if got := s.RevisionSince(context.Background(), "web", tc.revs)(start.Add(300*time.Millisecond), tc.from); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
