package smoke

import (
	"regexp"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

func ptr(s string) *string { return &s }

func TestEvaluateHTTP(t *testing.T) {
	version := `{"service":"authority","version":"2025.09.2","commit":"abc1234","source":"stable","build":{"n":3,"ok":true,"tags":["a","b"]}}`
	cases := []struct {
		name   string
		h      httpStep
		status int
		body   string
		want   string
	}{
		{"ok", httpStep{Status: 200}, 200, "ok", ""},
		{"wrong status", httpStep{Status: 200}, 503, "not ready", `GET /p: status 503, want 200 (body: "not ready")`},
		{"expected 503", httpStep{Status: 503}, 503, "", ""},
		{"body regex", httpStep{Status: 200, Body: regexp.MustCompile(`^ok$`)}, 200, "okay", "GET /p: body does not match /^ok$/"},
		{"json equal", httpStep{Status: 200, JSON: []jsonStep{{Field: "source", Equals: ptr("stable")}, {Field: "build.n", Equals: ptr("3")}, {Field: "build.ok", Equals: ptr("true")}, {Field: "build.tags.1", Equals: ptr("b")}}}, 200, version, ""},
		{"json other channel", httpStep{Status: 200, JSON: []jsonStep{{Field: "source", Equals: ptr("edge")}}}, 200, version, `GET /p: field source = "stable", want "edge"`},
		{"json matches", httpStep{Status: 200, JSON: []jsonStep{{Field: "commit", Matches: regexp.MustCompile(`^[0-9a-f]{40}$`)}}}, 200, version, `GET /p: field commit = "abc1234", does not match /^[0-9a-f]{40}$/`},
		{"json missing", httpStep{Status: 200, JSON: []jsonStep{{Field: "build.tags.7", Equals: ptr("x")}, {Field: "nope", Equals: ptr("x")}}}, 200, version, "GET /p: field build.tags.7 missing; field nope missing"},
		{"not json", httpStep{Status: 200, JSON: []jsonStep{{Field: "a", Equals: ptr("x")}}}, 200, "<html>", "GET /p: body is not JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.h.Method, c.h.Path = "GET", "/p"
			got := evaluateHTTP(&c.h, c.status, []byte(c.body))
			if (c.want == "") != (got == "") || !strings.HasPrefix(got, c.want) {
				t.Fatalf("reason = %q, want %q", got, c.want)
			}
		})
	}
}

func TestReadyEndpoints(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       int
	}{
		{"ready and unset count", `
- endpoints:
  - {addresses: [10.0.0.1], conditions: {ready: true}, targetRef: {kind: Pod, namespace: n, name: a}}
  - {addresses: [10.0.0.2], conditions: {}, targetRef: {kind: Pod, namespace: n, name: b}}
  - {addresses: [10.0.0.3], conditions: {ready: false}, targetRef: {kind: Pod, namespace: n, name: c}}`, 2},
		{"duplicates across slices count once", `
- endpoints:
  - {addresses: [10.0.0.1], conditions: {ready: true}, targetRef: {kind: Pod, namespace: n, name: a}}
- endpoints:
  - {addresses: [10.0.0.1], conditions: {ready: true}, targetRef: {kind: Pod, namespace: n, name: a}}`, 1},
		{"none", `[]`, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var slices []discoveryv1.EndpointSlice
			if err := sigsyaml.Unmarshal([]byte(c.yaml), &slices); err != nil {
				t.Fatal(err)
			}
			if got := ReadyEndpoints(slices); got != c.want {
				t.Fatalf("ready = %d, want %d", got, c.want)
			}
		})
	}
	if r := evaluateEndpoints(map[string]int{"b": 0, "a": 2, "c": 1}, 2, "ns"); r != "b has 0 ready endpoint(s), c has 1 ready endpoint(s) (want ≥ 2)" {
		t.Fatalf("reason = %q", r)
	}
	if r := evaluateEndpoints(map[string]int{"gone": notFound, "a": 2}, 1, "ns"); r != "service gone not found in namespace ns (want ≥ 1)" {
		t.Fatalf("missing service reason = %q", r)
	}
}

func TestServicesIn(t *testing.T) {
	m := "---\n# Source: x/templates/a.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\n"
	if got := servicesIn(m); strings.Join(got, ",") != "api,web" {
		t.Fatalf("services = %v", got)
	}
}

func TestJobVerdict(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       Verdict
	}{
		{"running", `status: {active: 1}`, Verdict{}},
		{"complete", `status: {conditions: [{type: Complete, status: "True"}]}`, Verdict{Done: true}},
		{"failed", `status: {conditions: [{type: FailureTarget, status: "True"}, {type: Failed, status: "True", reason: BackoffLimitExceeded, message: Job has reached the specified backoff limit}]}`,
			Verdict{Done: true, Failed: true, Why: "BackoffLimitExceeded: Job has reached the specified backoff limit"}},
		{"false conditions ignored", `status: {conditions: [{type: Failed, status: "False"}]}`, Verdict{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var j batchv1.Job
			if err := sigsyaml.Unmarshal([]byte(c.yaml), &j); err != nil {
				t.Fatal(err)
			}
			if got := JobVerdict(&j); got != c.want {
				t.Fatalf("verdict = %+v, want %+v", got, c.want)
			}
		})
	}
}
