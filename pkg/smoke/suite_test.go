package smoke

import (
	"testing"
	"time"
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
