package smoke

import (
	"strings"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

func TestParseExample(t *testing.T) {
	s, err := Load("../../examples/stellaops/deploy/smoke.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Release != "stellaops" || s.Timeout != 30*time.Second || s.Retries != 3 {
		t.Fatalf("defaults = %q %s %d", s.Release, s.Timeout, s.Retries)
	}
	kinds := map[string]int{}
	for _, c := range s.Checks {
		switch {
		case c.HTTP != nil:
			kinds[KindHTTP]++
		case c.Endpoints != nil:
			kinds[KindEndpoints]++
		case c.HelmTests != nil:
			kinds[KindHelmTests]++
		}
		if c.Line == 0 {
			t.Fatalf("check %s has no line", c.Name)
		}
	}
	if kinds[KindHTTP] != 15 || kinds[KindEndpoints] != 1 || kinds[KindHelmTests] != 1 {
		t.Fatalf("kinds = %v", kinds)
	}
	steps, err := planSuite(s, Vars{Release: "stellaops", Namespace: "ns", Channel: "stable", Version: "2025.09.2"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := steps[2].HTTP
	if steps[2].Name != "authority-version" || v.Service != "stellaops-authority" || *v.JSON[1].Equals != "stable" || *v.JSON[2].Equals != "2025.09.2" {
		t.Fatalf("planned %+v", v)
	}
}

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

func TestPlanTemplates(t *testing.T) {
	suite := "checks:\n  - name: v\n    http:\n      service: \"{{ .Release }}-web\"\n      path: /version\n      body: \"{{ .Version }}\"\n      json:\n        - {field: source, equals: \"{{ .Channel }}\"}\n"
	s, err := Parse("s.yaml", []byte(suite))
	if err != nil {
		t.Fatal(err)
	}
	_, err = planSuite(s, Vars{Release: "r", Version: "1.2"}, nil)
	if err == nil || err.Error() != `s.yaml:8: template "{{ .Channel }}": no value for .Channel (pass --channel)` {
		t.Fatalf("missing channel: %v", err)
	}
	steps, err := planSuite(s, Vars{Release: "r", Version: "1.2", Channel: "edge"}, map[string]string{"r-web": "http://127.0.0.1:1/"})
	if err != nil {
		t.Fatal(err)
	}
	h := steps[0].HTTP
	if h.Service != "r-web" || h.Body.String() != "1.2" || *h.JSON[0].Equals != "edge" || h.BaseURL != "http://127.0.0.1:1" || h.Method != "GET" || h.Status != 200 {
		t.Fatalf("planned %+v", h)
	}
	if steps[0].Timeout != DefaultTimeout || steps[0].Backoff != DefaultBackoff {
		t.Fatalf("defaults %s %s", steps[0].Timeout, steps[0].Backoff)
	}
	if got := unusedBaseURLs(steps, map[string]string{"r-web": "x", "other": "y"}); len(got) != 1 || got[0] != "other" {
		t.Fatalf("unused = %v", got)
	}
}

func TestPlanJob(t *testing.T) {
	suite := `checks:
  - name: DB Migrations!
    job:
      template:
        apiVersion: batch/v1
        kind: Job
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: check
                  image: "registry.example/check:{{ .Version }}"
`
	s, err := Parse("s.yaml", []byte(suite))
	if err != nil {
		t.Fatal(err)
	}
	steps, err := planSuite(s, Vars{Version: "2.0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	j := steps[0].Job
	if j.GenerateName != "smoke-db-migrations-" || j.Spec.Template.Spec.Containers[0].Image != "registry.example/check:2.0" || steps[0].Retries != 0 {
		t.Fatalf("job = %+v", j)
	}
}
