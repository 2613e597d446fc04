package suite

import (
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"empty", "", "s.yaml: empty smoke suite"},
		{"malformed", "checks: [\n", "s.yaml:1: did not find expected node content"},
		{"unknown key", "checks:\n  - name: a\n    htp: {}\n", "s.yaml:3: field htp not found"},
		{"no checks", "release: x\nchecks: []\n", "s.yaml:2: no checks defined"},
		{"no name", "checks:\n  - endpoints: {}\n", "s.yaml:2: check has no name"},
		{"duplicate", "checks:\n  - name: a\n    endpoints: {}\n  - name: a\n    endpoints: {}\n", `s.yaml:4: check "a" already defined at line 2`},
		{"two kinds", "checks:\n  - name: a\n    endpoints: {}\n    helm-tests: {}\n", "s.yaml:2: check \"a\": want exactly one of"},
		{"no kind", "checks:\n  - name: a\n", "s.yaml:2: check \"a\": want exactly one of"},
		{"bad duration", "checks:\n  - name: a\n    timeout: soon\n    endpoints: {}\n", "s.yaml:3:"},
		{"path", "checks:\n  - name: a\n    http:\n      service: s\n      path: health\n", "s.yaml:5: check \"a\": http.path must start with /"},
		{"service and selector", "checks:\n  - name: a\n    http:\n      service: s\n      selector: {app: x}\n      path: /\n", "s.yaml:3: check \"a\": http needs exactly one of service or selector"},
		{"method", "checks:\n  - name: a\n    http:\n      service: s\n      path: /\n      method: FETCH\n", "s.yaml:6: check \"a\": unknown http.method"},
		{"status", "checks:\n  - name: a\n    http:\n      service: s\n      path: /\n      status: 42\n", "s.yaml:6: check \"a\": http.status 42"},
		{"json", "checks:\n  - name: a\n    http:\n      service: s\n      path: /\n      json:\n        - field: x\n", "s.yaml:7: check \"a\": a json assertion needs"},
		{"template", "checks:\n  - name: a\n    http:\n      service: \"{{ .Release \"\n      path: /\n", "s.yaml:2: check \"a\": template"},
		{"job kind", "checks:\n  - name: a\n    job:\n      template: {kind: Pod}\n", "s.yaml:4: check \"a\": job.template kind is \"Pod\""},
		{"negative", "checks:\n  - name: a\n    retries: -1\n    endpoints: {}\n", "s.yaml:2: check \"a\": timeout, retries and backoff"},
		{"suite zero timeout", "timeout: 0s\nchecks:\n  - name: a\n    endpoints: {}\n", "s.yaml:1: suite: timeout: 0s is not allowed: omit timeout for the default (30s)"},
		{"check zero timeout", "checks:\n  - name: a\n    timeout: 0s\n    endpoints: {}\n", "s.yaml:3: check \"a\": timeout: 0s is not allowed"},
		{"check zero backoff", "checks:\n  - name: a\n    backoff: 0s\n    endpoints: {}\n", "s.yaml:3: check \"a\": backoff: 0s is not allowed"},
		{"json path", "checks:\n  - name: a\n    http:\n      service: s\n      path: /\n      json:\n        - {field: build..commit, equals: x}\n", "s.yaml:7: check \"a\": json field \"build..commit\": empty path segment"},
		{"json path trailing dot", "checks:\n  - name: a\n    http:\n      service: s\n      path: /\n      json:\n        - {field: build., equals: x}\n", "s.yaml:7: check \"a\": json field \"build.\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(c.yaml))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("err = %v, want prefix %q", err, c.want)
			}
			if exit.CodeOf(err) != exit.Invalid {
				t.Fatalf("code = %d, want invalid input", exit.CodeOf(err))
			}
		})
	}
}
