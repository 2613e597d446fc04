package promote

import (
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/journal"
)

func TestRevisions(t *testing.T) {
	for _, tc := range []struct {
		from, to int
		want     string
	}{
		{0, 0, ""},
		{0, 1, "(first install) → 1"},
		{1, 0, "1 (unchanged: no new revision)"}, // a refusal, never "1 → 0"
		{3, 4, "3 → 4"},
	} {
		res := &Result{From: journal.Revision{Revision: tc.from}, To: journal.Revision{Revision: tc.to}}
		if got := revisions(res); got != tc.want {
			t.Errorf("revisions(%d → %d) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}
