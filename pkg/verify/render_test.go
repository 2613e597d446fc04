package verify

import (
	"bytes"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/watch"
)

var update = flag.Bool("update", false, "rewrite golden files")

func renderFixture() *Result {
	return &Result{
		Verdict: Unhealthy,
		Message: "1/2 workloads healthy; not healthy: deployment/web CrashLoopBackOff",
		Workloads: []Workload{
			{Namespace: "ns", Kind: "Deployment", Name: "api", Status: health.Status{State: health.Healthy, Ready: 2, Desired: 2}, Pods: 2},
			{Namespace: "ns", Kind: "Deployment", Name: "web", Status: health.Status{State: health.Failed, Ready: 0, Desired: 1, Reason: "CrashLoopBackOff"}, Pods: 1,
				Findings: []health.Finding{{Pod: "web-7d9-abcde", Container: "web", Reason: "CrashLoopBackOff", Message: "back-off 20s restarting failed container=web",
					Certain: true, Restarts: 4, Events: []string{"Warning BackOff: Back-off restarting failed container"}, Logs: []string{"panic: no config", "exit 1"}}}},
		},
	}
}

// TestRenderGolden: the table names the workload, pod, container, reason,
// events and logs, deterministically (testdata/render.golden; -update).
func TestRenderGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, output.Table, renderFixture(), output.NewColorizer(&b, true)); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("testdata/render.golden", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/render.golden")
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Fatalf("render mismatch:\n--- got\n%s\n--- want\n%s", b.String(), want)
	}
}

func TestErrCodes(t *testing.T) {
	cases := map[Verdict]exit.Code{Healthy: exit.OK, Unhealthy: exit.CheckFailed, TimedOut: exit.Timeout}
	for v, want := range cases {
		r := &Result{Verdict: v, Message: "m"}
		if got := exit.CodeOf(r.Err()); got != want {
			t.Errorf("verdict %s: exit %d, want %d", v, got, want)
		}
	}
}

// TestReport: promote's and safe-rollback's wait status, one line per
// change off a TTY (the elapsed time alone is no change).
func TestReport(t *testing.T) {
	var b bytes.Buffer
	report := Report(output.NewProgress(&b), "verify")
	for _, s := range []watch.Snapshot{
		{State: health.Progressing, Summary: "1/2 ready", Elapsed: time.Second},
		{State: health.Progressing, Summary: "1/2 ready", Elapsed: 2 * time.Second},
		{State: health.Healthy, Summary: "2/2 ready", Elapsed: 3 * time.Second},
		{State: health.Healthy, Summary: "2/2 ready", Elapsed: 4 * time.Second, HealthyFor: time.Second},
		{State: health.Healthy, Summary: "2/2 ready", Elapsed: 5 * time.Second, HealthyFor: 2 * time.Second},
	} {
		report(s)
	}
	want := "verify: Progressing: 1/2 ready (1s)\nverify: Healthy: 2/2 ready (3s)\nverify: Healthy: 2/2 ready (holding for --stable-for) (4s)\n"
	if b.String() != want {
		t.Fatalf("progress %q, want %q", b.String(), want)
	}
	b.Reset()
	Report(output.NewProgress(&b), "")(watch.Snapshot{State: health.Progressing, Summary: "1/2 ready", Elapsed: time.Second})
	if want := "Progressing: 1/2 ready (1s)\n"; b.String() != want { // verify-pods: no prefix
		t.Fatalf("progress %q, want %q", b.String(), want)
	}
}
