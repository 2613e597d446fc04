package bookmark

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"
	helmtime "helm.sh/helm/v3/pkg/time"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

var t0 = time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)

func helmRelease(name string, v int, st release.Status) *release.Release {
	return &release.Release{
		Name: name, Version: v, Namespace: "ns",
		Info:     &release.Info{Status: st, LastDeployed: helmtime.Time{Time: t0.Add(-time.Hour)}, Description: "Upgrade complete"},
		Chart:    &chart.Chart{Metadata: &chart.Metadata{Name: "app", Version: "1.2.3", AppVersion: "2025.10"}},
		Config:   map[string]interface{}{"password": "hunter2-secret"},
		Manifest: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n",
	}
}

// cluster holds Helm history written by Helm's own driver and one pod.
func cluster(t *testing.T, rels ...*release.Release) (*kube.Config, *fake.Clientset) {
	t.Helper()
	c := fake.NewSimpleClientset(&corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "ns", Labels: map[string]string{"app": "web"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web:1"}}},
		Status:     corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "web", ImageID: "web@sha256:abc", Ready: true}}},
	})
	d := driver.NewSecrets(c.CoreV1().Secrets("ns"))
	for _, r := range rels {
		if err := d.Create(fmt.Sprintf("sh.helm.release.v1.%s.v%d", r.Name, r.Version), r); err != nil {
			t.Fatal(err)
		}
	}
	return &kube.Config{Namespace: "ns", Typed: c, User: "alice"}, c
}

func create(t *testing.T, cfg *kube.Config, rel, name string, at time.Time, keep int) *CreateResult {
	t.Helper()
	op := NewCreate(cfg)
	op.Name, op.Note, op.Keep, op.GitDir = name, "before upgrade", keep, t.TempDir()
	op.Now = func() time.Time { return at }
	res, err := op.Run(context.Background(), rel)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCreateRecordsTheDeployedRevision(t *testing.T) {
	cfg, c := cluster(t, helmRelease("web", 1, release.StatusSuperseded), helmRelease("web", 2, release.StatusDeployed), helmRelease("web", 3, release.StatusFailed))
	b := create(t, cfg, "", "", t0, 0).Bookmark
	if b.Name != "stella-bookmark-web-2-261125-200000" || b.Revision != 2 || b.Status != "deployed" || b.Chart != "app" ||
		b.ChartVersion != "1.2.3" || b.AppVersion != "2025.10" || !b.DeployedAt.Equal(t0.Add(-time.Hour)) ||
		b.CreatedBy != "alice" || b.Who.Source != "kubeconfig" || b.Note != "before upgrade" || !strings.HasPrefix(b.Git.Note, "no git state") {
		t.Fatalf("bookmark = %+v", b)
	}
	if len(b.Pods) != 1 || b.Pods[0].Containers[0].Digest != "sha256:abc" {
		t.Fatalf("pods = %+v", b.Pods)
	}
	helm, _ := c.CoreV1().Secrets("ns").Get(context.Background(), "sh.helm.release.v1.web.v2", metav1.GetOptions{})
	sec, err := c.CoreV1().Secrets("ns").Get(context.Background(), b.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sec.Data[KeyRelease], helm.Data["release"]) || sec.Type != SecretType ||
		sec.Labels[LabelRelease] != "web" || sec.Labels[LabelRevision] != "2" || sec.Labels[LabelManagedBy] != "stella" {
		t.Fatalf("secret = %v %v, payload equal %v", sec.Type, sec.Labels, bytes.Equal(sec.Data[KeyRelease], helm.Data["release"]))
	}
	if bytes.Contains(sec.Data[KeyRecord], []byte("hunter2")) || strings.Contains(sec.Annotations[AnnotationSummary], "hunter2") {
		t.Fatal("values leaked into the record or the summary")
	}
	// the bookmarked revision survives Helm deleting it
	_ = c.CoreV1().Secrets("ns").Delete(context.Background(), "sh.helm.release.v1.web.v2", metav1.DeleteOptions{})
	got, err := NewShow(cfg).Run(context.Background(), b.Name)
	if err != nil {
		t.Fatal(err)
	}
	r, err := got.Release()
	if err != nil || r.Version != 2 || r.Manifest != helmRelease("web", 2, "").Manifest || r.Config["password"] != "hunter2-secret" {
		t.Fatalf("Release() = %+v, %v", r, err)
	}
}

func TestValuesOnlyOnRequest(t *testing.T) {
	cfg, _ := cluster(t, helmRelease("web", 1, release.StatusDeployed))
	name := create(t, cfg, "web", "bm", t0, 0).Bookmark.Name
	for _, show := range []bool{false, true} {
		op := NewShow(cfg)
		op.ShowValues = show
		b, err := op.Run(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []output.Format{output.Table, output.JSON, output.YAML} {
			var buf bytes.Buffer
			if err := Render(&buf, f, b); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(buf.String(), "hunter2") != show {
				t.Errorf("show-values=%v format %s: values printed = %v", show, f, !show)
			}
		}
	}
}

func TestListKeepDelete(t *testing.T) {
	cfg, c := cluster(t, helmRelease("web", 1, release.StatusDeployed), helmRelease("db", 1, release.StatusDeployed))
	for i, n := range []string{"b3", "b1", "b2"} {
		create(t, cfg, "web", n, t0.Add(time.Duration(i)*time.Minute), 0)
	}
	create(t, cfg, "db", "d1", t0, 0)
	// named bookmarks are kept unless explicitly allowed
	if res := create(t, cfg, "web", "b0", t0.Add(time.Hour), 2); len(res.Pruned) != 0 || !strings.Contains(res.Retained, "b1 (named)") {
		t.Fatalf("pruned named bookmarks: %+v", res)
	}
	if _, err := NewDelete(cfg).Run(context.Background(), "b0"); err != nil {
		t.Fatal(err)
	}
	op := NewCreate(cfg)
	op.Name, op.Keep, op.GitDir, op.Prune.Named = "b4", 2, t.TempDir(), true
	op.Now = func() time.Time { return t0.Add(time.Hour) }
	res, err := op.Run(context.Background(), "web")
	if err != nil {
		t.Fatal(err)
	}
	var pruned []string
	for _, p := range res.Pruned {
		pruned = append(pruned, p.Name)
	}
	if strings.Join(pruned, ",") != "b3,b1" || !strings.HasPrefix(res.Pruned[0].Why, "duplicate") {
		t.Fatalf("pruned = %+v", res.Pruned)
	}
	list, err := NewList(cfg).Run(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "d1,b2,b4" {
		t.Fatalf("list = %v", names)
	}
	if _, err := NewDelete(cfg).Run(context.Background(), "b2"); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		func() error { _, err := NewDelete(cfg).Run(context.Background(), "b2"); return err }(),
		func() error { _, err := NewShow(cfg).Run(context.Background(), "nope"); return err }(),
		func() error {
			_, err := NewDelete(cfg).Run(context.Background(), "sh.helm.release.v1.web.v1")
			return err
		}(),
	} {
		if exit.CodeOf(err) != exit.Invalid {
			t.Errorf("want invalid input, got %v", err)
		}
	}
	if _, err := c.CoreV1().Secrets("ns").Get(context.Background(), "sh.helm.release.v1.web.v1", metav1.GetOptions{}); err != nil {
		t.Fatal("delete touched a Helm secret")
	}
}

func TestCreateInvalidInput(t *testing.T) {
	cases := []struct {
		name, release, bmName string
		keep                  int
		rels                  []*release.Release
		want                  string
	}{
		{"unknown release", "nope", "", 0, []*release.Release{helmRelease("web", 1, release.StatusDeployed)}, `release "nope" in namespace "ns": not found`},
		{"no release", "", "", 0, nil, "no Helm release"},
		{"two releases", "", "", 0, []*release.Release{helmRelease("web", 1, release.StatusDeployed), helmRelease("db", 1, release.StatusDeployed)}, "2 Helm releases in namespace \"ns\" (db, web)"},
		{"bad name", "web", "Not_OK", 0, nil, "flag --name"},
		{"negative keep", "web", "", -1, nil, "flag --keep"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, _ := cluster(t, c.rels...)
			op := NewCreate(cfg)
			op.Name, op.Keep = c.bmName, c.keep
			_, err := op.Run(context.Background(), c.release)
			if exit.CodeOf(err) != exit.Invalid || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want invalid input with %q", err, c.want)
			}
			l, _ := NewList(cfg).Run(context.Background(), "")
			if len(l) != 0 {
				t.Fatalf("bad input created %v", l)
			}
		})
	}
}

func TestRetention(t *testing.T) {
	auto := func(rev, min int) Summary {
		return Summary{Name: DefaultName("web", rev, t0.Add(time.Duration(min)*time.Minute)), Revision: rev, CreatedAt: t0.Add(time.Duration(min) * time.Minute)}
	}
	named := Summary{Name: "good-r1", Revision: 1, CreatedAt: t0}
	a3, b3, c3, a2 := auto(3, 1), auto(3, 2), auto(3, 3), auto(2, 4)
	all := []Summary{c3, named, a3, b3, a2}
	cases := []struct {
		name     string
		keep     int
		inHelm   map[int]bool
		o        PruneOptions
		want     []string
		retained string
	}{
		{"keep 0 keeps all", 0, nil, PruneOptions{}, nil, ""},
		{"duplicates go first, the named only copy stays", 2, map[int]bool{2: true, 3: true}, PruneOptions{},
			[]string{a3.Name, b3.Name}, "kept 1 more than --keep 2: [good-r1 (named)]"},
		{"keep 1: never the named only copy", 1, map[int]bool{2: true, 3: true}, PruneOptions{},
			[]string{a3.Name, b3.Name, c3.Name}, "kept 1 more than --keep 1: [good-r1 (named)]"},
		{"named allowed, but the only copy of a pruned revision stays", 1, map[int]bool{2: true, 3: true}, PruneOptions{Named: true},
			[]string{a3.Name, b3.Name, c3.Name}, "kept 1 more than --keep 1: [good-r1 (only copy of revision 1)]"},
		{"both allowed: the oldest goes", 1, map[int]bool{2: true, 3: true}, PruneOptions{Named: true, LastCopy: true},
			[]string{a3.Name, b3.Name, named.Name, c3.Name}, ""},
		{"the only copy of a revision Helm pruned stays", 1, map[int]bool{1: true, 2: true}, PruneOptions{Named: true},
			[]string{a3.Name, b3.Name, named.Name}, "kept 1 more than --keep 1: [" + c3.Name + " (only copy of revision 3)]"},
		{"age", 0, map[int]bool{2: true, 3: true}, PruneOptions{MaxAge: 150 * time.Second}, []string{a3.Name}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			drop, retained := Retention(all, c.keep, c.inHelm, c.o, t0.Add(4*time.Minute))
			var got []string
			for _, d := range drop {
				got = append(got, d.Name)
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") || retained != c.retained {
				t.Errorf("dropped %v (%q), want %v (%q)", got, retained, c.want, c.retained)
			}
		})
	}
}

func TestWriteFileMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bm.yaml")
	b := &Bookmark{Summary: Summary{Name: "bm", ReleaseName: "web"}}
	if err := WriteFile(p, b); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	body, _ := os.ReadFile(p)
	if st.Mode().Perm() != 0o600 || !strings.Contains(string(body), "name: bm\n") {
		t.Fatalf("mode %v body %s", st.Mode(), body)
	}
}

// Two bookmarks of one revision in the same second (an operator's bookmark
// right before promote's own) both succeed; a chosen --name never changes.
func TestSameSecondDefaultNames(t *testing.T) {
	cfg, _ := cluster(t, helmRelease("web", 1, release.StatusDeployed))
	var names []string
	for range 3 {
		names = append(names, create(t, cfg, "web", "", t0, 0).Bookmark.Name)
	}
	want := "stella-bookmark-web-1-261125-200000"
	if strings.Join(names, ",") != want+","+want+"-2,"+want+"-3" {
		t.Fatalf("names = %v", names)
	}
	create(t, cfg, "web", "mine", t0, 0)
	op := NewCreate(cfg)
	op.Name = "mine"
	if _, err := op.Run(context.Background(), "web"); exit.CodeOf(err) != exit.Invalid || !strings.Contains(err.Error(), `"mine" already exists`) {
		t.Fatalf("chosen name taken: err = %v", err)
	}
}
