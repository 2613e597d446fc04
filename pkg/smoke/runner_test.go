package smoke

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// server answers /ok, /flaky (503 for the first two requests), /slow
// (after 400 ms) and /hang (until the client gives up), on 127.0.0.1.
func server(t *testing.T) *httptest.Server {
	var flaky atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/flaky":
			if flaky.Add(1) <= 2 {
				http.Error(w, "warming up", http.StatusServiceUnavailable)
				return
			}
		case "/slow":
			time.Sleep(400 * time.Millisecond)
		case "/hang":
			<-r.Context().Done()
			return
		}
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(s.Close)
	return s
}

func runSuite(t *testing.T, suite string, url string, parallel int, overall time.Duration) ([]Result, bool) {
	t.Helper()
	s, err := Parse("s.yaml", []byte(suite))
	if err != nil {
		t.Fatal(err)
	}
	steps, err := planSuite(s, Vars{Release: "r"}, map[string]string{"web": url})
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{op: &Smoke{}, vars: Vars{Release: "r"}, parallel: parallel}
	return r.run(context.Background(), steps, overall)
}

func check(name, path string, extra string) string {
	return fmt.Sprintf("  - name: %s\n    backoff: 50ms\n%s    http:\n      service: web\n      path: %s\n", name, extra, path)
}

func TestRunnerRetriesAndTimeouts(t *testing.T) {
	srv := server(t)
	suite := "checks:\n" + check("ok", "/ok", "") +
		check("flaky-recovers", "/flaky", "    retries: 3\n") +
		check("hang", "/hang", "    timeout: 300ms\n") +
		check("missing", "/nope", "")
	res, timedOut := runSuite(t, strings.Replace(suite, "/nope", "/ok\n      status: 204", 1), srv.URL, 4, 10*time.Second)
	if timedOut {
		t.Fatal("overall timeout reported")
	}
	want := []struct {
		status   Status
		attempts int
		reason   string
	}{
		{Pass, 1, ""},
		{Pass, 3, ""},
		{Fail, 1, "timed out after 300ms (attempt 1: GET /hang:"},
		{Fail, 1, "GET /ok: status 200, want 204"},
	}
	for i, w := range want {
		r := res[i]
		if r.Status != w.status || r.Attempts != w.attempts || !strings.HasPrefix(r.Reason, w.reason) || (w.reason == "") != (r.Reason == "") {
			t.Errorf("%s: %s after %d attempts (%q), want %s after %d (%q)", r.Name, r.Status, r.Attempts, r.Reason, w.status, w.attempts, w.reason)
		}
	}
	if !res[2].TimedOut || res[2].Duration() < 300*time.Millisecond || res[2].Duration() > 2*time.Second {
		t.Errorf("hang: timedOut %v after %s", res[2].TimedOut, res[2].Duration())
	}
}

func TestRunnerParallel(t *testing.T) {
	srv := server(t)
	suite := "checks:\n"
	for i := range 6 {
		suite += check(fmt.Sprintf("slow-%d", i), "/slow", "")
	}
	t0 := time.Now()
	res, _ := runSuite(t, suite, srv.URL, 6, time.Minute)
	if d := time.Since(t0); d > 1800*time.Millisecond {
		t.Fatalf("6 checks of 400 ms with --parallel 6 took %s", d)
	}
	t0 = time.Now()
	runSuite(t, suite, srv.URL, 2, time.Minute)
	if d := time.Since(t0); d < 1200*time.Millisecond {
		t.Fatalf("6 checks of 400 ms with --parallel 2 took only %s", d)
	}
	for _, r := range res {
		if r.Status != Pass {
			t.Fatalf("%s: %s", r.Name, r.Reason)
		}
	}
}

func TestRunnerOverallTimeout(t *testing.T) {
	srv := server(t)
	suite := "checks:\n" + check("hang", "/hang", "    timeout: 1m\n") + check("ok", "/ok", "") + check("later", "/ok", "")
	res, timedOut := runSuite(t, suite, srv.URL, 1, 300*time.Millisecond)
	if !timedOut {
		t.Fatal("overall timeout not reported")
	}
	if !strings.HasPrefix(res[0].Reason, "overall timeout 300ms reached") || !strings.HasPrefix(res[2].Reason, "not run: overall timeout") {
		t.Fatalf("reasons %q / %q", res[0].Reason, res[2].Reason)
	}
	s := &Summary{Results: res, TimedOut: timedOut}
	s.count()
	if exit.CodeOf(s.Err()) != exit.Timeout {
		t.Fatalf("exit = %d", exit.CodeOf(s.Err()))
	}
}

func TestSummaryErr(t *testing.T) {
	s := &Summary{Results: []Result{{Status: Pass}, {Status: Fail}}}
	s.count()
	if s.OK() || exit.CodeOf(s.Err()) != exit.CheckFailed || s.Passed != 1 || s.Failed != 1 {
		t.Fatalf("summary %+v err %v", s, s.Err())
	}
	s = &Summary{Results: []Result{{Status: Pass}}}
	s.count()
	if !s.OK() || s.Err() != nil {
		t.Fatalf("all passed: %v", s.Err())
	}
}

func TestJUnitRoundTrip(t *testing.T) {
	s := &Summary{Release: "r", Namespace: "n", Channel: "edge", Suite: "s.yaml", StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), DurationMS: 1500,
		Results: []Result{{Name: "a", Kind: KindHTTP, Status: Pass, DurationMS: 120},
			{Name: "b", Kind: KindHelmTests, Status: Fail, DurationMS: 1400, Reason: "test hook(s) failed: x", Logs: "boom <&>\n"},
			{Name: "c", Kind: KindHTTP, Status: Fail, TimedOut: true, Reason: "timed out after 1s"}}}
	s.count()
	var b bytes.Buffer
	if err := WriteJUnit(&b, s); err != nil {
		t.Fatal(err)
	}
	var got JUnitSuites
	if err := xml.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("parse back: %v\n%s", err, b.String())
	}
	ts := got.Suites[0]
	if got.Tests != 3 || got.Failures != 2 || ts.Time != "1.500" || ts.Timestamp != "2026-01-02T03:04:05Z" || len(ts.Properties) != 4 {
		t.Fatalf("suite = %+v", got)
	}
	if ts.Cases[0].Failure != nil || ts.Cases[0].Time != "0.120" || ts.Cases[1].Classname != "smoke.helm-tests" {
		t.Fatalf("cases = %+v", ts.Cases)
	}
	if f := ts.Cases[1].Failure; f == nil || f.Message != "test hook(s) failed: x" || f.Type != "failure" || ts.Cases[1].SystemOut != "boom <&>\n" {
		t.Fatalf("failure = %+v out %q", f, ts.Cases[1].SystemOut)
	}
	if ts.Cases[2].Failure.Type != "timeout" {
		t.Fatalf("timeout type = %q", ts.Cases[2].Failure.Type)
	}
}
