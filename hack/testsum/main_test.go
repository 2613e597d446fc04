package main

import (
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"start","Package":"p"}`,
		`{"Action":"output","Package":"p","Output":"e2e: control plane started\n"}`,
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:9: quiet\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestA","Elapsed":1.5}`,
		`{"Action":"output","Package":"p","Test":"TestB/sub","Output":"    b_test.go:3: broke\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestB/sub","Elapsed":2}`,
		`{"Action":"fail","Package":"p","Test":"TestB","Elapsed":30}`,
		`{"Action":"output","Package":"p","Test":"TestC","Output":"panic: test timed out\n"}`,
		`# not json: the go command's own line`,
		`{"Action":"output","Package":"p","Output":"FAIL\tp\t31.5s\n"}`,
		`{"Action":"fail","Package":"p","Elapsed":31.5}`,
	}, "\n")
	var out strings.Builder
	summarize(strings.NewReader(in), &out, 1)
	got := out.String()
	for _, want := range []string{"e2e: control plane started\n", "b_test.go:3: broke", "panic: test timed out",
		"# not json", "FAIL\tp\t31.5s", "slowest tests of p:\n     30.0s fail TestB\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{"quiet", "=== RUN", "TestA\n"} {
		if strings.Contains(got, unwanted) {
			t.Errorf("output has %q (a passing test's, or beyond the top 1):\n%s", unwanted, got)
		}
	}
}
