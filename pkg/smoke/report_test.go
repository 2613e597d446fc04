package smoke

import (
	"bytes"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/output"
)

func TestReport(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		res    Result
		want   string
	}{
		{"", Result{Name: "healthz", Status: Pass, DurationMS: 12}, "PASS healthz (12ms)\n"},
		{"smoke", Result{Name: "version", Status: Fail, DurationMS: 1000}, "smoke: FAIL version (1s)\n"},
	} {
		var b bytes.Buffer
		Report(output.NewProgress(&b), output.Colorizer{}, tc.prefix)(tc.res)
		if b.String() != tc.want {
			t.Errorf("%q, want %q", b.String(), tc.want)
		}
	}
}
