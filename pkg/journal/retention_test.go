package journal

import (
	"strings"
	"testing"
	"time"
)

func TestRetentionExpired(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	entry := func(id string, ago time.Duration, o Outcome) Entry {
		return Entry{ID: id, Start: now.Add(-ago), End: now.Add(-ago + time.Minute), Outcome: o}
	}
	es := []Entry{
		entry("a", 40*day, Succeeded), entry("b", 20*day, Failed), entry("c", 10*day, Succeeded),
		entry("d", 5*day, InProgress), entry("e", day, Succeeded),
	}
	for _, c := range []struct {
		name string
		r    Retention
		want string
	}{
		{"disabled", Retention{}, ""},
		{"keep 2", Retention{Keep: 2}, "a,b"},
		{"keep 10", Retention{Keep: 10}, ""},
		{"max age 15d", Retention{MaxAge: 15 * day}, "a,b"},
		{"both", Retention{Keep: 1, MaxAge: 30 * day}, "a,b,c"},
		{"in progress never removed", Retention{Keep: 1, MaxAge: time.Hour}, "a,b,c,e"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ids []string
			for _, e := range c.r.Expired(es, now) {
				ids = append(ids, e.ID)
			}
			if got := strings.Join(ids, ","); got != c.want {
				t.Fatalf("expired %q, want %q", got, c.want)
			}
		})
	}
}
