//go:build e2e

package e2e

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/smoke"
)

// TestSmokeReasons: a check whose port-forward cannot reach its target
// reports what the forward said (no forward for the pod's port, connection
// refused), not EOF, in the table, the JSON and the JUnit file, with no klog
// noise on stderr; a missing Service reads "not found"; a zero timeout and
// an invalid JSON path are refused at load with file:line.
func TestSmokeReasons(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	e := newSmokeEnv(t)
	e.servers["notify"].Close() // the forward's target port is closed: connection refused
	p := e.suite(`release: stellaops
checks:
  - name: no-forward
    retries: 0
    http:
      service: "{{ .Release }}-mongo"
      port: tcp
      path: /
  - name: refused
    retries: 0
    http:
      service: "{{ .Release }}-notify"
      port: http
      path: /health/liveness
  - name: missing-service
    retries: 0
    endpoints:
      min: 1
      services: [stellaops-nope]
  - name: ok
    http:
      service: "{{ .Release }}-authority"
      port: http
      path: /health/liveness
`)
	junit := filepath.Join(t.TempDir(), "smoke.xml")
	s, r := e.summary("-f", p, "--junit", junit)
	expectCode(t, r, 2)
	reasons := map[string]string{}
	for _, name := range []string{"no-forward", "refused", "missing-service"} {
		got := result(t, s, name)
		reasons[name] = got.Reason
		if got.Status != smoke.Fail || strings.HasSuffix(got.Reason, ": EOF") {
			t.Errorf("%s: %+v", name, got)
		}
	}
	t.Logf("reasons: %q", reasons)
	for _, name := range []string{"no-forward", "refused"} {
		if !strings.Contains(reasons[name], "port-forward to pod stellaops-") {
			t.Errorf("%s: the reason does not carry the port-forward's error: %q", name, reasons[name])
		}
	}
	if !strings.Contains(reasons["refused"], "refused") {
		t.Errorf("refused: %q", reasons["refused"])
	}
	if reasons["missing-service"] != "service stellaops-nope not found in namespace "+e.h.Namespace+" (want ≥ 1)" {
		t.Errorf("missing-service: %q", reasons["missing-service"])
	}
	if result(t, s, "ok").Status != smoke.Pass {
		t.Errorf("ok: %+v", result(t, s, "ok"))
	}
	if strings.Contains(r.Stderr, "UnhandledError") || strings.Contains(r.Stderr, "portforward.go") {
		t.Errorf("klog noise on stderr:\n%s", r.Stderr)
	}
	b, _ := os.ReadFile(junit)
	var j smoke.JUnitSuites
	if err := xml.Unmarshal(b, &j); err != nil {
		t.Fatalf("junit: %v", err)
	}
	for _, c := range j.Suites[0].Cases {
		if want, ok := reasons[c.Name]; ok && (c.Failure == nil || c.Failure.Message != want) {
			t.Errorf("junit case %s: %+v, want message %q", c.Name, c.Failure, want)
		}
	}
	table := e.smoke("-f", p)
	for name, reason := range reasons {
		if !strings.Contains(table.Stdout, reason) {
			t.Errorf("table lacks %s's reason %q:\n%s", name, reason, table.Stdout)
		}
	}

	for _, c := range []struct{ body, want string }{
		{"checks:\n  - name: a\n    timeout: 0s\n    endpoints: {}\n", ":3: check \"a\": timeout: 0s is not allowed"},
		{"timeout: 0s\nchecks:\n  - name: a\n    endpoints: {}\n", ":1: suite: timeout: 0s is not allowed"},
		{"checks:\n  - name: a\n    http:\n      service: s\n      path: /\n      json:\n        - {field: build..commit, equals: x}\n", ":7: check \"a\": json field \"build..commit\""},
	} {
		bad := e.suite(c.body)
		r := e.smoke("-f", bad)
		if r.Code != 4 || !strings.Contains(r.Stderr, bad+c.want) {
			t.Errorf("exit %d, stderr %q, want %q", r.Code, r.Stderr, bad+c.want)
		}
	}
}
