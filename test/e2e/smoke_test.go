//go:build e2e

package e2e

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/pkg/smoke"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// TestSmoke runs kubectl stella smoke against the example release, whose
// services are stand-in HTTP servers reached through the API server.
func TestSmoke(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	e := newSmokeEnv(t)
	for _, c := range []struct {
		name string
		f    func(*testing.T, *smokeEnv)
	}{
		{"example suite all pass, JUnit parsed back", smokeAllPass},
		{"version reporting another channel fails with the field", smokeWrongChannel},
		{"wrong status", smokeWrongStatus},
		{"fails twice then recovers within its retries", smokeRecovers},
		{"a hanging check times out, the overall timeout exits 3", smokeTimeouts},
		{"parallel checks take about the slowest one", smokeParallel},
		{"job checks: a passing Job is removed, a failing one shows its pod's logs", smokeJobChecks},
		{"base-url override skips the port-forward", smokeBaseURL},
		{"pod selector and named container port", smokeSelector},
	} {
		e.reset()
		t.Run(c.name, func(t *testing.T) { c.f(t, e) })
	}
}

// smokeAllPass: example suite all pass, JUnit parsed back.
func smokeAllPass(t *testing.T, e *smokeEnv) {
	junit := filepath.Join(t.TempDir(), "smoke.xml")
	s, r := e.summary("--junit", junit) // no -f: the channel's smoke: file
	expectCode(t, r, 0)
	for _, r := range s.Results {
		t.Logf("%-22s %s %s after %d attempt(s)", r.Name, r.Status, r.Duration(), r.Attempts)
	}
	if s.Passed != 17 || s.Failed != 0 || s.Channel != "stable" || s.Version != smokeVersion || !strings.HasSuffix(s.Suite, "deploy/smoke.yaml") {
		t.Fatalf("summary %+v", s)
	}
	for svc, srv := range e.servers {
		if srv.Requests() < 3 {
			t.Errorf("%s stand-in saw %d requests, want ≥ 3 (liveness, readiness, version)", svc, srv.Requests())
		}
	}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var j smoke.JUnitSuites
	if err := xml.Unmarshal(b, &j); err != nil {
		t.Fatalf("junit: %v\n%s", err, b)
	}
	if j.Tests != 17 || j.Failures != 0 || len(j.Suites) != 1 || len(j.Suites[0].Cases) != 17 || j.Suites[0].Cases[2].Name != "authority-version" {
		t.Fatalf("junit %+v", j)
	}
}

// smokeWrongChannel: version reporting another channel fails with the field.
func smokeWrongChannel(t *testing.T, e *smokeEnv) {
	e.servers["authority"].SetSource("edge")
	junit := filepath.Join(t.TempDir(), "smoke.xml")
	s, r := e.summary("--junit", junit)
	expectCode(t, r, 2)
	got := result(t, s, "authority-version")
	if got.Status != smoke.Fail || !strings.Contains(got.Reason, `GET /version: field source = "edge", want "stable"`) || s.Passed != 16 {
		t.Fatalf("authority-version %+v (passed %d)", got, s.Passed)
	}
	b, _ := os.ReadFile(junit)
	var j smoke.JUnitSuites
	if err := xml.Unmarshal(b, &j); err != nil || j.Failures != 1 || j.Suites[0].Cases[2].Failure == nil || j.Suites[0].Cases[2].Failure.Message != got.Reason {
		t.Fatalf("junit failure: %v %+v", err, j)
	}
}

// smokeWrongStatus: wrong status.
func smokeWrongStatus(t *testing.T, e *smokeEnv) {
	e.servers["authority"].SetNotReady(true)
	p := e.suite("release: stellaops\nchecks:\n" + httpCheck("ready", "authority", "/health/readiness", "    retries: 0\n"))
	r := e.smoke("-f", p)
	expectCode(t, r, 2)
	if !strings.Contains(r.Stdout, "GET /health/readiness: status 503, want 200") || !strings.Contains(r.Stdout, "FAIL") {
		t.Fatalf("stdout:\n%s", r.Stdout)
	}
}

// smokeRecovers: fails twice then recovers within its retries.
func smokeRecovers(t *testing.T, e *smokeEnv) {
	e.servers["concelier"].FailNext(2)
	p := e.suite("checks:\n" + httpCheck("live", "concelier", "/health/liveness", "    retries: 3\n    backoff: 200ms\n"))
	s, r := e.summary("-f", p)
	expectCode(t, r, 0)
	if got := result(t, s, "live"); got.Status != smoke.Pass || got.Attempts != 3 {
		t.Fatalf("live %+v", got)
	}
}

// smokeTimeouts: a hanging check times out, the overall timeout exits 3.
func smokeTimeouts(t *testing.T, e *smokeEnv) {
	e.servers["notify"].SetHang(true)
	p := e.suite("checks:\n" + httpCheck("hang", "notify", "/health/liveness", "    timeout: 2s\n") + httpCheck("ok", "authority", "/health/liveness", ""))
	s, r := e.summary("-f", p)
	expectCode(t, r, 2)
	got := result(t, s, "hang")
	if !got.TimedOut || !strings.HasPrefix(got.Reason, "timed out after 2s") || got.Duration() < 2*time.Second || got.Duration() > 4*time.Second || result(t, s, "ok").Status != smoke.Pass {
		t.Fatalf("hang %+v", got)
	}
	p = e.suite("checks:\n" + httpCheck("hang", "notify", "/health/liveness", "    timeout: 1m\n"))
	s, r = e.summary("-f", p, "--timeout", "1500ms")
	expectCode(t, r, 3)
	if !s.TimedOut || !strings.HasPrefix(result(t, s, "hang").Reason, "overall timeout 1.5s reached") {
		t.Fatalf("summary %+v", s)
	}
}

// smokeParallel: parallel checks take about the slowest one.
func smokeParallel(t *testing.T, e *smokeEnv) {
	suite := "checks:\n"
	for i, svc := range smokeServices[:4] {
		d := time.Second
		if i == 3 {
			d = 2 * time.Second
		}
		e.servers[svc].SetDelay(d)
		suite += httpCheck(svc, svc, "/health/liveness", "")
	}
	p := e.suite(suite)
	par, r := e.summary("-f", p, "--parallel", "4")
	expectCode(t, r, 0)
	seq, r := e.summary("-f", p, "--parallel", "1")
	expectCode(t, r, 0)
	t.Logf("--parallel 4: %d ms, --parallel 1: %d ms", par.DurationMS, seq.DurationMS)
	if par.DurationMS < 2000 || par.DurationMS > 4500 || par.DurationMS > seq.DurationMS*6/10 || seq.DurationMS < 5000 {
		t.Fatalf("parallel %d ms (want ≈ 2000, the slowest), sequential %d ms (want ≥ 5000)", par.DurationMS, seq.DurationMS)
	}
}

// smokeJobChecks: job checks: a passing Job is removed, a failing one shows its pod's logs.
func smokeJobChecks(t *testing.T, e *smokeEnv) {
	logFile := filepath.Join(t.TempDir(), "migrate.log")
	os.WriteFile(logFile, []byte("2026-11-25T20:00:00.000000000Z stderr F migration 42 failed: relation exists\n"), 0o644)
	e.clusterLogs("migrate", logFile)
	job := func(name, annotations string) string {
		return fmt.Sprintf("  - name: %s\n    timeout: 1m\n    job:\n      template:\n        apiVersion: batch/v1\n        kind: Job\n"+
			"        spec:\n          backoffLimit: 0\n          template:\n            metadata: {annotations: %s}\n"+
			"            spec:\n              restartPolicy: Never\n              containers:\n"+
			"                - {name: migrate, image: \"registry.example/migrate:{{ .Version }}\"}\n", name, annotations)
	}
	p := e.suite("checks:\n" + job("migrate-ok", "{}") + job("migrate-bad", `{"stella.test/simulate": fail}`))
	s, r := e.summary("-f", p)
	expectCode(t, r, 2)
	ok, bad := result(t, s, "migrate-ok"), result(t, s, "migrate-bad")
	if ok.Status != smoke.Pass || bad.Status != smoke.Fail || !strings.Contains(bad.Reason, "failed: BackoffLimitExceeded") ||
		!strings.Contains(bad.Logs, "migration 42 failed: relation exists") || !strings.Contains(bad.Logs, "container migrate (Failed)") {
		t.Fatalf("ok %+v\nbad %+v", ok, bad)
	}
	jobs, err := e.h.Client.BatchV1().Jobs(e.h.Namespace).List(context.Background(), metav1.ListOptions{})
	if err != nil || len(jobs.Items) != 1 || !strings.HasPrefix(jobs.Items[0].Name, "smoke-migrate-bad-") {
		t.Fatalf("jobs left: %v %+v", err, jobs)
	}
}

// smokeBaseURL: base-url override skips the port-forward.
func smokeBaseURL(t *testing.T, e *smokeEnv) {
	a := e.servers["authority"]
	p := e.suite("checks:\n" + httpCheck("live", "authority", "/health/liveness", ""))
	before := a.Requests()
	r := e.smoke("-f", p, "--base-url", fmt.Sprintf("stellaops-authority=http://127.0.0.1:%d", a.Port()))
	expectCode(t, r, 0)
	if a.Requests() != before+1 {
		t.Fatalf("requests %d → %d", before, a.Requests())
	}
	expectCode(t, e.smoke("-f", p, "--base-url", "nosuch=http://127.0.0.1:1"), 4)
}

// smokeSelector: an http check by pod selector and named container port.
func smokeSelector(t *testing.T, e *smokeEnv) {
	p := e.suite(`checks:
  - name: by-selector
    http:
      selector: {app.kubernetes.io/name: notify, app.kubernetes.io/instance: "{{ .Release }}"}
      port: http
      path: /version
      json: [{field: service, equals: notify}, {field: source, equals: "{{ .Channel }}"}]
`)
	s, r := e.summary("-f", p)
	expectCode(t, r, 0)
	if got := result(t, s, "by-selector"); got.Status != smoke.Pass || got.Attempts != 1 {
		t.Fatalf("by-selector %+v", got)
	}
}

// TestSmokeHelmTests: failing test hooks show the logs of the failed test
// pod only, and re-runs never collide with the pods of earlier runs.
func TestSmokeHelmTests(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	e := newSmokeEnv(t)
	h := e.h
	logFile := filepath.Join(t.TempDir(), "test-health.log")
	lines := "2026-11-25T20:00:00.000000000Z stdout F curl: (22) The requested URL returned error: 503\n" +
		"2026-11-25T20:00:00.100000000Z stderr F stellaops-authority is not ready\n"
	if err := os.WriteFile(logFile, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	e.podLogs("stellaops-test-health", "health", logFile)
	p := e.suite("checks:\n  - name: helm-tests\n    timeout: 1m\n    helm-tests: {}\n  - name: endpoints\n    endpoints: {min: 1}\n")
	upgrade := func(extra ...string) {
		args := append([]string{"upgrade", "stellaops", h.Example("deploy/helm/stellaops"), "-f", h.Example("deploy/helm/stellaops/values-prod.yaml"), "-n", h.Namespace, "--wait"}, extra...)
		h.Must(h.Run(h.Helm3(), args...))
	}
	testPodUID := func() string {
		pod, err := h.Client.CoreV1().Pods(h.Namespace).Get(context.Background(), "stellaops-test-health", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return string(pod.UID)
	}

	upgrade("--set-json", `tests.podAnnotations={"stella.test/simulate":"fail"}`)
	var uids []string
	for i := range 2 { // the second run must not collide with the failed pod of the first
		r := e.smoke("-f", p)
		expectCode(t, r, 2)
		if !strings.Contains(r.Stdout, "test hook(s) failed: stellaops-test-health (pod failed)") ||
			!strings.Contains(r.Stdout, "curl: (22) The requested URL returned error: 503") ||
			!strings.Contains(r.Stdout, "stellaops-authority is not ready") || strings.Contains(r.Stdout+r.Stderr, "already exists") {
			t.Fatalf("run %d stdout:\n%s\nstderr:\n%s", i+1, r.Stdout, r.Stderr)
		}
		if strings.Count(r.Stdout, "--- pod ") != 1 {
			t.Fatalf("want the logs of the one failed pod only:\n%s", r.Stdout)
		}
		uids = append(uids, testPodUID())
	}
	upgrade()
	s, r := e.summary("-f", p)
	expectCode(t, r, 0)
	if got := result(t, s, "helm-tests"); got.Status != smoke.Pass || got.Logs != "" || strings.Contains(r.Stdout+r.Stderr, "already exists") {
		t.Fatalf("clean re-run %+v\n%s", got, r.Stderr)
	}
	uids = append(uids, testPodUID())
	if uids[0] == uids[1] || uids[1] == uids[2] {
		t.Fatalf("test pod not recreated on each run: %v", uids)
	}
}

// TestSmokeBadSuite: a bad suite is one file:line error, exit 4, and nothing runs.
func TestSmokeBadSuite(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "smoke.yaml")
	os.WriteFile(bad, []byte("checks:\n  - name: a\n    http:\n      service: web\n      path: /x\n  - name: b\n    http:\n      servce: web\n      path: /\n"), 0o644)
	r := h.Run(h.Plugin("kubectl-stella"), "smoke", "x", "-n", h.Namespace, "-f", bad)
	expectCode(t, r, 4)
	if !strings.Contains(r.Stderr, bad+":8: field servce not found") || r.Stdout != "" {
		t.Fatalf("stderr %q stdout %q", r.Stderr, r.Stdout)
	}
	os.WriteFile(bad, []byte("checks:\n  - name: v\n    http:\n      service: web\n      path: /version\n      json:\n        - {field: source, equals: \"{{ .Channel }}\"}\n"), 0o644)
	r = h.Run(h.Plugin("kubectl-stella"), "smoke", "x", "-n", h.Namespace, "-f", bad)
	expectCode(t, r, 4)
	if !strings.Contains(r.Stderr, bad+`:7: template "{{ .Channel }}": no value for .Channel (pass --channel)`) {
		t.Fatalf("stderr %q", r.Stderr)
	}
	for _, args := range [][]string{{"--parallel", "0"}, {"--timeout", "soon"}, {"-o", "xml"}, {"--base-url", "web"}, {"-f", filepath.Join(dir, "none.yaml")}} {
		r := h.Run(h.Plugin("kubectl-stella"), append([]string{"smoke", "-n", h.Namespace, "-f", bad}, args...)...)
		expectCode(t, r, 4)
	}
}
