package promote

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/smoke"
	"github.com/stella-ops/stella-plugins/pkg/verify"
)

func TestGate(t *testing.T) {
	now := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	passed, _ := json.Marshal(smoke.Summary{Passed: 1, Results: []smoke.Result{{Name: "endpoints", Status: "passed"}}})
	failed, _ := json.Marshal(smoke.Summary{Passed: 0, Failed: 1, Results: []smoke.Result{{Name: "endpoints", Status: "failed"}}})
	healthy := &verify.Result{Verdict: verify.Healthy}
	entry := func(o journal.Outcome, sm []byte, version string, rev int, end time.Time) *journal.Entry {
		return &journal.Entry{ID: "e1", Operation: journal.Promote, Outcome: o, Smoke: sm,
			Manifest: journal.Manifest{Version: version}, To: journal.Revision{Revision: rev}, End: end}
	}
	cur := helmx.Revision{Version: 3, ModifiedAt: now.Add(-2 * time.Hour)}
	cases := []struct {
		name string
		in   GateInput
		want string // "" = passes; else a substring of the reasons
	}{
		{"passes", GateInput{Health: healthy, Last: entry(journal.Succeeded, passed, "1.0", 3, now.Add(-time.Hour)), Current: cur, Deployed: true, Version: "1.0"}, ""},
		{"not deployed", GateInput{Health: healthy, Last: entry(journal.Succeeded, passed, "1.0", 3, now), Version: "1.0"}, "no deployed revision"},
		{"other digests", GateInput{Health: &verify.Result{Verdict: verify.Unhealthy, Message: "DigestMismatch"}, Last: entry(journal.Succeeded, passed, "1.0", 3, now), Current: cur, Deployed: true, Version: "1.0"}, "DigestMismatch"},
		{"no promote", GateInput{Health: healthy, Current: cur, Deployed: true, Version: "1.0"}, "no journaled promote"},
		{"rolled back", GateInput{Health: healthy, Last: entry(journal.RolledBack, passed, "1.0", 3, now), Current: cur, Deployed: true, Version: "1.0"}, "was rolled-back"},
		{"smoke failed", GateInput{Health: healthy, Last: entry(journal.Succeeded, failed, "1.0", 3, now), Current: cur, Deployed: true, Version: "1.0"}, "no passed smoke"},
		{"no smoke", GateInput{Health: healthy, Last: entry(journal.Succeeded, nil, "1.0", 3, now), Current: cur, Deployed: true, Version: "1.0"}, "no passed smoke"},
		{"other version", GateInput{Health: healthy, Last: entry(journal.Succeeded, passed, "0.9", 3, now), Current: cur, Deployed: true, Version: "1.0"}, "deployed 0.9, not 1.0"},
		{"changed since", GateInput{Health: healthy, Last: entry(journal.Succeeded, passed, "1.0", 2, now), Current: cur, Deployed: true, Version: "1.0"}, "changed since the last promote"},
		{"soak met", GateInput{Health: healthy, Last: entry(journal.Succeeded, passed, "1.0", 3, now.Add(-40*time.Minute)), Current: cur, Deployed: true, Version: "1.0", Soak: 30 * time.Minute}, ""},
		{"soak not met by promote end", GateInput{Health: healthy, Last: entry(journal.Succeeded, passed, "1.0", 3, now.Add(-10*time.Minute)), Current: cur, Deployed: true, Version: "1.0", Soak: 30 * time.Minute}, "unchanged for 10m0s, --soak needs 30m0s"},
		{"soak not met by last deploy", GateInput{Health: healthy, Last: entry(journal.Succeeded, passed, "1.0", 3, now.Add(-2*time.Hour)), Current: helmx.Revision{Version: 3, ModifiedAt: now.Add(-5 * time.Minute)}, Deployed: true, Version: "1.0", Soak: 30 * time.Minute}, "unchanged for 5m0s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.Now = now
			g := Gate(c.in)
			reasons := strings.Join(g.Reasons, "; ")
			if c.want == "" {
				if !g.Passed {
					t.Fatalf("refused: %s", reasons)
				}
				return
			}
			if g.Passed || !strings.Contains(reasons, c.want) {
				t.Fatalf("passed=%v reasons %q, want refusal with %q", g.Passed, reasons, c.want)
			}
		})
	}
}
