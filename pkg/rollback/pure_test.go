package rollback

import (
	"errors"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/release"

	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/plan"
	"github.com/stella-ops/stella-plugins/pkg/verify"
)

func withCRDs(files map[string]string) *release.Release {
	c := &chart.Chart{Metadata: &chart.Metadata{Name: "c", Version: "1"}}
	for name, data := range files {
		c.Files = append(c.Files, &chart.File{Name: "crds/" + name, Data: []byte(data)})
	}
	return &release.Release{Chart: c}
}

func TestCRDWarning(t *testing.T) {
	tests := []struct {
		name     string
		from, to map[string]string
		want     string
	}{
		{"none", nil, nil, ""},
		{"same", map[string]string{"a.yaml": "x"}, map[string]string{"a.yaml": "x"}, ""},
		{"changed", map[string]string{"a.yaml": "x"}, map[string]string{"a.yaml": "y"}, "differ from the current chart's (c/crds/a.yaml)"},
		{"added since", map[string]string{"a.yaml": "x"}, nil, "has CRDs the target's lacks (c/crds/a.yaml)"},
	}
	for _, tt := range tests {
		got := CRDWarning(withCRDs(tt.from), withCRDs(tt.to))
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: warning %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestPins(t *testing.T) {
	p := plan.Compute(plan.Input{}, plan.Input{Revision: 1, Manifest: `
kind: Deployment
metadata: {name: web}
spec: {template: {spec: {containers: [{name: web, image: "r/web@sha256:aa"}, {name: side, image: "r/side:1"}]}}}`})
	if got := pins(p, nil); len(got.digests) != 1 || got.digests["web"] != "sha256:aa" || got.source != "revision 1's manifest" {
		t.Errorf("manifest pins = %+v", got)
	}
	livePods := []bookmark.Pod{{Containers: []bookmark.Container{
		{Name: "web", Digest: "sha256:bb"}, {Name: "init", Init: true, Digest: "sha256:cc"}, {Name: "side"}}}}
	// a bookmark's pins are its stored manifest's, never the pods running
	// when it was taken (they may be another revision's)
	b := &bookmark.Bookmark{Summary: bookmark.Summary{Name: "bm", Revision: 1}, Pods: livePods, PodsLive: true}
	if got := pins(p, b); len(got.digests) != 1 || got.digests["web"] != "sha256:aa" || got.source != "bookmark bm (revision 1's manifest)" {
		t.Errorf("bookmark pins = %+v", got)
	}
	unpinned := plan.Compute(plan.Input{}, plan.Input{Revision: 1, Manifest: `
kind: Deployment
metadata: {name: web}
spec: {template: {spec: {containers: [{name: web, image: "r/web:1"}]}}}`})
	if got := pins(unpinned, b); len(got.digests) != 1 || got.digests["web"] != "sha256:bb" || got.source != "bookmark bm (its pods at bookmark time)" {
		t.Errorf("live bookmark pins of an unpinned manifest = %+v", got)
	}
	b.PodsLive = false
	if got := pins(unpinned, b); len(got.digests) != 0 {
		t.Errorf("a not-live pod table gave pins %+v", got)
	}
}

func TestFill(t *testing.T) {
	res := &Result{Decision: &Decision{Target: Target{Revision: 1, Bookmark: "bm", Restore: true}}, Recovered: 3, NewRevision: 5,
		Verify: &verify.Result{Verdict: verify.Unhealthy, Workloads: []verify.Workload{
			{Kind: "Deployment", Name: "web", Status: health.Status{State: health.Failed}, Events: []string{"BackOff"},
				Findings: []health.Finding{{Pod: "web-1", Container: "web", Reason: "CrashLoopBackOff", Message: "exit 1", Logs: []string{"boom"}}}},
			{Kind: "Deployment", Name: "ok", Status: health.Status{State: health.Healthy}},
		}}}
	e := journal.Entry{Notes: "target: bookmark bm"}
	fill(&e, res, errors.New("rolled back, but verification failed"))
	want := "target: bookmark bm; recovered stuck revision 3 (marked failed); restored from bookmark bm → revision 5; verify: unhealthy; error: rolled back, but verification failed"
	if e.Notes != want {
		t.Errorf("notes = %q\nwant    %q", e.Notes, want)
	}
	if len(e.Evidence) != 1 || e.Evidence[0].Pod != "web-1" || e.Evidence[0].Reason != "CrashLoopBackOff" ||
		e.Evidence[0].Events[0] != "BackOff" || e.Evidence[0].LogTail[0] != "boom" {
		t.Errorf("evidence = %+v", e.Evidence)
	}
}

func TestRolledBack(t *testing.T) {
	es := []journal.Entry{
		{ID: "p1", Operation: journal.Promote, Outcome: journal.RolledBack, To: journal.Revision{Revision: 3}},
		{ID: "p2", Operation: journal.Promote, Outcome: journal.Succeeded, To: journal.Revision{Revision: 5}},
		{ID: "p3", Operation: journal.Promote, Outcome: journal.RolledBack}, // no revision created
		{ID: "r1", Operation: journal.SafeRollback, Outcome: journal.RolledBack, To: journal.Revision{Revision: 6}},
		{ID: "p4", Operation: journal.Promote, Outcome: journal.Failed, To: journal.Revision{Revision: 7}}, // left in place, marked failed
	}
	got := rolledBack(es)
	if len(got) != 1 || got[3] != "p1" {
		t.Fatalf("rolledBack = %v, want only 3 → p1", got)
	}
	if in := inFlight(append(es, journal.Entry{ID: "x", Outcome: journal.InProgress})); in == nil || in.ID != "x" {
		t.Fatalf("inFlight = %+v", in)
	}
}
