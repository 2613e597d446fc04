package output_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/align"
	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/debugstore"
	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/kit"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/plan"
	"github.com/stella-ops/stella-plugins/pkg/promote"
	"github.com/stella-ops/stella-plugins/pkg/rollback"
	"github.com/stella-ops/stella-plugins/pkg/smoke"
	"github.com/stella-ops/stella-plugins/pkg/verify"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the output")

var t0 = time.Date(2026, 11, 30, 9, 15, 0, 0, time.UTC)

const digest = "registry.stella-ops.org/stellaops/web@sha256:1111111111111111111111111111111111111111111111111111111111111111"

// kind is one structured result as its command prints it, and a jsonpath
// that reads fields scripts use.
type kind struct {
	name     string
	jsonpath string
	render   func(f output.Format) (string, error)
}

func render(fn func(w *bytes.Buffer) error) (string, error) {
	var b bytes.Buffer
	err := fn(&b)
	return b.String(), err
}

func verifyResult() *verify.Result {
	return &verify.Result{Release: "web", Namespace: "shop", Verdict: verify.Unhealthy, State: health.Failed,
		Message: "1 of 2 workloads failed", Started: t0, Elapsed: "12s", Workloads: []verify.Workload{
			{Namespace: "shop", Kind: "Deployment", Name: "web", Pods: 2, Status: health.Status{State: health.Healthy, Kstatus: "Current", Ready: 2, Desired: 2}},
			{Namespace: "shop", Kind: "StatefulSet", Name: "db", Pods: 1, Status: health.Status{State: health.Failed, Kstatus: "InProgress", Reason: "CrashLoopBackOff", Ready: 0, Desired: 1},
				Findings: []health.Finding{{Pod: "db-0", Container: "db", Reason: "CrashLoopBackOff", Certain: true}}},
		}}
}

func aBookmark() *bookmark.Bookmark {
	return &bookmark.Bookmark{Summary: bookmark.Summary{Name: "stella-bookmark-web-3-261130-091500", Namespace: "shop", ReleaseName: "web",
		Revision: 3, Status: "deployed", Chart: "web", ChartVersion: "1.4.0", DeployedAt: t0, CreatedAt: t0, CreatedBy: "alice"},
		Pins: map[string]string{"Deployment/web/web": digest}}
}

func entry() journal.Entry {
	return journal.Entry{ID: "web-20261130T091500Z-ab12", Operation: journal.Promote, Release: "web", Namespace: "shop",
		Who: identity.Who{User: "alice", Source: "kubeconfig"}, Start: t0, End: t0.Add(40 * time.Second),
		Duration: journal.Duration(40 * time.Second), From: journal.Revision{Revision: 2}, To: journal.Revision{Revision: 3}, Outcome: journal.Succeeded}
}

func smokeSummary() *smoke.Summary {
	return &smoke.Summary{Release: "web", Namespace: "shop", Suite: "deploy/smoke.yaml", StartedAt: t0, DurationMS: 1500, Passed: 1, Failed: 1,
		Results: []smoke.Result{{Name: "health", Kind: "http", Status: smoke.Pass, DurationMS: 20, Attempts: 1},
			{Name: "login", Kind: "http", Status: smoke.Fail, DurationMS: 1400, Attempts: 3, Reason: "status 503"}}}
}

func aPlan() plan.Plan {
	return plan.Plan{From: plan.Side{Revision: 2, Chart: "web", ChartVersion: "1.3.0"}, To: plan.Side{Chart: "web", ChartVersion: "1.4.0"},
		Images: []plan.Image{{Workload: "Deployment/web/web", From: "web:1.3", To: "web:1.4", Changed: true}}, Values: []plan.Value{}}
}

func kinds() []kind {
	return []kind{
		{verify.Kind, "{.verdict} {.workloads[*].name}", func(f output.Format) (string, error) {
			return render(func(w *bytes.Buffer) error { return verify.Render(w, f, verifyResult(), output.Colorizer{}) })
		}},
		{"Bookmark-show", "{.name} {.revision}", func(f output.Format) (string, error) {
			return render(func(w *bytes.Buffer) error { return bookmark.Render(w, f, aBookmark()) })
		}},
		{"Bookmark-create", "{.name} {.pruned[*].name}", func(f output.Format) (string, error) {
			res := &bookmark.CreateResult{Bookmark: aBookmark(), Pruned: []bookmark.Pruned{{Summary: bookmark.Summary{Name: "old", Revision: 1, CreatedAt: t0}, Why: "beyond --keep 1"}}}
			return render(func(w *bytes.Buffer) error { return bookmark.RenderCreate(w, f, res) })
		}},
		{bookmark.SummaryKind, "{.name}", func(f output.Format) (string, error) {
			return render(func(w *bytes.Buffer) error { return bookmark.RenderDeleted(w, f, &aBookmark().Summary) })
		}},
		{"BookmarkList", "{.items[*].name}", func(f output.Format) (string, error) {
			s := []bookmark.Summary{aBookmark().Summary, {Name: "pre-upgrade", Namespace: "shop", ReleaseName: "web", Revision: 2, CreatedAt: t0}}
			return render(func(w *bytes.Buffer) error { return bookmark.RenderList(w, f, s) })
		}},
		{journal.Kind, "{.entries[*].id}", func(f output.Format) (string, error) {
			r := journal.Report{Namespace: "shop", Release: "web", Entries: []journal.Entry{entry()}}
			return render(func(w *bytes.Buffer) error { return journal.Render(w, f, r) })
		}},
		{smoke.Kind, "{.passed}/{.failed}", func(f output.Format) (string, error) {
			return render(func(w *bytes.Buffer) error { return smoke.Render(w, f, output.Colorizer{}, smokeSummary()) })
		}},
		{promote.Kind, "{.outcome} {.to.revision}", func(f output.Format) (string, error) {
			p := aPlan()
			res := &promote.Result{Release: "web", Namespace: "shop", Outcome: journal.Succeeded, Message: "promoted",
				From: journal.Revision{Revision: 2}, To: journal.Revision{Revision: 3}, Journal: entry().ID, Plan: &p, Smoke: smokeSummary()}
			return render(func(w *bytes.Buffer) error { return promote.Render(w, f, res) })
		}},
		{rollback.Kind, "{.decision.target.revision} {.outcome}", func(f output.Format) (string, error) {
			r := &rollback.Result{Release: "web", Namespace: "shop", Decision: &rollback.Decision{Target: rollback.Target{Revision: 2}, Rule: "last healthy"},
				Plan: aPlan(), Outcome: journal.Succeeded, NewRevision: 4, JournalID: entry().ID}
			return render(func(w *bytes.Buffer) error { return rollback.Render(w, f, r) })
		}},
		{align.Kind, "{.aligned} {.findings[*].status}", func(f output.Format) (string, error) {
			res := &align.Result{Release: align.Release{Version: "2026.11", Channel: "stable"}, Findings: []align.Finding{
				{Target: "values.yaml", Component: "web", Status: align.Mismatch, Expected: digest, File: "values.yaml", Line: 7},
				{Target: "values.yaml", Component: "db", Status: align.Aligned, Expected: digest, File: "values.yaml", Line: 12}}}
			return render(func(w *bytes.Buffer) error { return align.Render(w, f, res, output.Colorizer{}) })
		}},
		{kit.ImagesKind, "{.manifest.images[*].digest}", func(f output.Format) (string, error) {
			res := &kit.ImagesResult{Manifest: &kit.Manifest{SchemaVersion: 1, Kind: "offline-kit", Channel: "airgap", Release: "2026.11",
				Images: []kit.Image{{Component: "web", Reference: digest, Digest: "sha256:11", MediaType: "application/vnd.oci.image.index.v1+json", Size: 2048}}},
				Copied: []string{"web"}, Present: []string{}, Bytes: 2048}
			return render(func(w *bytes.Buffer) error { return kit.RenderImages(w, f, res) })
		}},
		{kit.PushKind, "{.registryMap[*]}", func(f output.Format) (string, error) {
			res := &kit.PushResult{Registry: "mirror:5000", Images: []kit.Pushed{{Component: "web", Reference: "mirror:5000/stellaops/web@sha256:11", Digest: "sha256:11"}},
				RegistryMap: []string{"registry.stella-ops.org=mirror:5000"}}
			return render(func(w *bytes.Buffer) error { return kit.RenderPush(w, f, res) })
		}},
		{kit.VerifyKind, "{.problems}", func(f output.Format) (string, error) {
			res := &kit.VerifyResult{Images: 1, Blobs: 3, Files: 2, Problems: []string{}}
			return render(func(w *bytes.Buffer) error { return kit.RenderVerify(w, f, "out/offline-kit", res) })
		}},
		{debugstore.MirrorKind, "{.store.files[*].path}", func(f output.Format) (string, error) {
			res := &debugstore.Result{Store: &debugstore.Store{SchemaVersion: 1, Kind: "debug-store", Files: []debugstore.File{{BuildID: "ab12", Path: "debug/.build-id/ab/12.debug", Size: 10, SHA256: "00"}}},
				Copied: []string{"debug/.build-id/ab/12.debug"}, Written: true}
			return render(func(w *bytes.Buffer) error { return debugstore.Render(w, f, res) })
		}},
	}
}

// goTemplate prints the kind and the sorted top-level keys: the schema's shape.
const goTemplate = `{{.apiVersion}} {{.kind}}:{{range $k, $v := .}} {{$k}}{{end}}{{"\n"}}`

func TestKindsGolden(t *testing.T) {
	for _, k := range kinds() {
		for suffix, f := range map[string]output.Format{"json": output.JSON, "yaml": output.YAML, "name": output.NameFormat,
			"jsonpath": output.Format("jsonpath=" + k.jsonpath + "{\"\\n\"}"), "go-template": output.Format("go-template=" + goTemplate)} {
			if _, err := output.ParseFormat(string(f)); err != nil {
				t.Fatalf("%s %s: %v", k.name, suffix, err)
			}
			got, err := k.render(f)
			if err != nil {
				t.Fatalf("%s -o %s: %v", k.name, suffix, err)
			}
			checkGolden(t, k.name+"."+suffix, got)
		}
	}
}

// TestVersionKind: the build information varies with the toolchain, so
// only its shape is fixed.
func TestVersionKind(t *testing.T) {
	var b bytes.Buffer
	if err := cli.RenderVersion(&b, output.Format("go-template="+goTemplate), "kubectl-stella"); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "Version.go-template", b.String())
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/output -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (go test ./pkg/output -update rewrites it):\n%s", name, path, diffLines(string(want), got))
	}
}

func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n-%s\n+%s", i+1, a, b)
		}
	}
	return ""
}
