package smoke

import (
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

func TestSummaryErrForbiddenIsOperational(t *testing.T) {
	denied := `endpointslices of web: endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:ns:op" cannot list resource "endpointslices" in API group "discovery.k8s.io" in the namespace "ns"`
	cases := []struct {
		name    string
		results []Result
		code    exit.Code
		want    string
	}{
		{"forbidden", []Result{{Name: "ok", Status: Pass}, {Name: "endpoints", Status: Fail, Reason: denied}}, exit.Operational, `cannot list resource "endpointslices"`},
		{"plain failure", []Result{{Name: "endpoints", Status: Fail, Reason: "web: 0 ready endpoints, want ≥ 1"}}, exit.CheckFailed, "1 of 1 checks failed"},
		{"forbidden in a passing check is ignored", []Result{{Name: "x", Status: Pass, Reason: denied}}, exit.OK, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &Summary{Results: c.results}
			s.count()
			err := s.Err()
			if exit.CodeOf(err) != c.code || (c.want != "" && !strings.Contains(err.Error(), c.want)) {
				t.Fatalf("Err() = %v (code %d), want code %d containing %q", err, exit.CodeOf(err), c.code, c.want)
			}
		})
	}
}
