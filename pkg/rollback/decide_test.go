package rollback

import (
	"strings"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/lock"
)

func revs(spec ...string) []helmx.Revision {
	var out []helmx.Revision
	for _, s := range spec {
		var v int
		var st string
		parts := strings.SplitN(s, ":", 2)
		v = atoi(parts[0])
		st = parts[1]
		out = append(out, helmx.Revision{Release: "web", Version: v, Status: st})
	}
	return out
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestDecide(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	bm := func(name string, rev int) bookmark.Summary {
		return bookmark.Summary{Name: name, ReleaseName: "web", Revision: rev, Status: "deployed"}
	}
	held := &lock.Info{Holder: "alice/h/1/x", User: "alice", Operation: "promote", PID: 1, Since: now.Add(-time.Minute), Renewed: now, Duration: time.Minute}
	expired := &lock.Info{Holder: "bob/h/2/y", User: "bob", Since: now.Add(-time.Hour), Renewed: now.Add(-time.Hour), Duration: time.Minute}
	tests := []struct {
		name    string
		opts    Options
		facts   Facts
		want    Target
		pending int
		refuse  string // substring of the exit-5 message
	}{
		{name: "previous deployed revision", facts: Facts{Revisions: revs("1:superseded", "2:superseded", "3:deployed")}, want: Target{Revision: 2}},
		{name: "skips failed revisions", facts: Facts{Revisions: revs("1:superseded", "2:failed", "3:deployed")}, want: Target{Revision: 1}},
		{name: "a newer bookmark of an older revision does not win", facts: Facts{Revisions: revs("1:superseded", "2:superseded", "3:deployed"), Bookmarks: []bookmark.Summary{bm("b3", 3), bm("b1", 1)}}, want: Target{Revision: 2}},
		{name: "after a bad manual upgrade: the previous good revision, not the bookmark", facts: Facts{Revisions: revs("5:superseded", "6:superseded", "7:superseded", "8:deployed"), Bookmarks: []bookmark.Summary{bm("b5", 5)}}, want: Target{Revision: 7}},
		{name: "previous revision pruned: restored from its bookmark", facts: Facts{Revisions: revs("6:failed", "7:deployed"), Bookmarks: []bookmark.Summary{bm("b3", 3), bm("b5", 5)}}, want: Target{Revision: 5, Bookmark: "b5", Restore: true}},
		{name: "a bookmark of a failed revision is not a default target", facts: Facts{Revisions: revs("7:deployed"), Bookmarks: []bookmark.Summary{bm("b5", 5), {Name: "b6", Revision: 6, Status: "failed"}}}, want: Target{Revision: 5, Bookmark: "b5", Restore: true}},
		{name: "an older pruned bookmark does not beat the previous revision", facts: Facts{Revisions: revs("3:superseded", "4:deployed"), Bookmarks: []bookmark.Summary{bm("b1", 1)}}, want: Target{Revision: 3}},
		{name: "explicit revision", opts: Options{Revision: 1}, facts: Facts{Revisions: revs("1:superseded", "2:superseded", "3:deployed")}, want: Target{Revision: 1}},
		{name: "explicit pruned revision from bookmark", opts: Options{Revision: 1}, facts: Facts{Revisions: revs("2:superseded", "3:deployed"), Bookmarks: []bookmark.Summary{bm("b1", 1)}}, want: Target{Revision: 1, Bookmark: "b1", Restore: true}},
		{name: "explicit revision missing everywhere", opts: Options{Revision: 1}, facts: Facts{Revisions: revs("2:superseded", "3:deployed")}, refuse: "neither in Helm's history"},
		{name: "bookmark missing", opts: Options{ToBookmark: "nope"}, facts: Facts{Revisions: revs("1:deployed")}, refuse: `bookmark "nope"`},
		{name: "nothing to roll back to", facts: Facts{Revisions: revs("1:deployed")}, refuse: "nothing to roll back to"},
		{name: "after promote rolled back revision 2: default refused, names the older target", facts: Facts{Revisions: revs("1:superseded", "2:superseded", "3:deployed"), RolledBack: map[int]string{2: "web-p2"}},
			refuse: "the revision before 3 of \"web\" is 2, which promote rolled back as unhealthy (journal web-p2): a default rollback would re-deploy it; to go further back, name the target: --revision 1"},
		{name: "after promote rolled back the only older revision: names the flags", facts: Facts{Revisions: revs("2:superseded", "3:deployed"), RolledBack: map[int]string{2: "web-p2"}},
			refuse: "re-deploy it; name a target with --revision N or --to-bookmark NAME"},
		{name: "a rolled-back revision further back does not stop the default", facts: Facts{Revisions: revs("1:superseded", "2:superseded", "3:superseded", "4:deployed"), RolledBack: map[int]string{2: "web-p2"}}, want: Target{Revision: 3}},
		{name: "--revision may still name a rolled-back revision", opts: Options{Revision: 2}, facts: Facts{Revisions: revs("1:superseded", "2:superseded", "3:deployed"), RolledBack: map[int]string{2: "web-p2"}}, want: Target{Revision: 2}},
		{name: "lock held", facts: Facts{Revisions: revs("1:superseded", "2:deployed"), Lock: held}, refuse: "locked by"},
		{name: "expired lock ignored", facts: Facts{Revisions: revs("1:superseded", "2:deployed"), Lock: expired}, want: Target{Revision: 1}},
		{name: "recovering an interrupted rollback never targets the revision it was replacing", opts: Options{Recover: true, StaleAfter: time.Minute}, facts: Facts{Revisions: revs("4:superseded", "5:superseded", "6:pending-rollback"), PendingSince: now.Add(-time.Hour)}, want: Target{Revision: 4}, pending: 6},
		{name: "pending without recover", facts: Facts{Revisions: revs("1:deployed", "2:pending-upgrade"), PendingSince: now.Add(-time.Hour)}, refuse: "helm stella safe-rollback web --recover --namespace ns"},
		{name: "pending explained from the journal", facts: Facts{Revisions: revs("1:deployed", "2:pending-upgrade"), PendingSince: now.Add(-time.Hour),
			PendingBy: &journal.Entry{ID: "j1", Operation: journal.Promote, Who: identity.Who{User: "alice"}, Start: now.Add(-time.Hour)}},
			refuse: "left by promote of alice started 2026-01-01T11:00:00Z (journal j1)"},
		{name: "pending too recent", opts: Options{Recover: true}, facts: Facts{Revisions: revs("1:deployed", "2:pending-upgrade"), PendingSince: now.Add(-time.Minute)}, refuse: "--stale-after"},
		{name: "pending recovered", opts: Options{Recover: true}, facts: Facts{Revisions: revs("1:deployed", "2:pending-upgrade"), PendingSince: now.Add(-time.Hour)}, want: Target{Revision: 1}, pending: 2},
		{name: "plan with lock held is not refused", opts: Options{Plan: true}, facts: Facts{Revisions: revs("1:superseded", "2:deployed"), Lock: held}, want: Target{Revision: 1}},
		{name: "lock refusal says since, expiry and a gone pid", facts: Facts{Revisions: revs("1:superseded", "2:deployed"), Lock: held, LockHolderGone: true},
			refuse: "since 2026-01-01T11:59:00Z (1m0s ago); the lock expires at 2026-01-01T12:01:00Z unless renewed (pid 1 is no longer running on this host"},
		{name: "recover too early says when and which flag", opts: Options{Recover: true}, facts: Facts{Revisions: revs("1:deployed", "2:pending-upgrade"), PendingSince: now.Add(-time.Minute)},
			refuse: "--recover applies from 2026-01-01T12:04:00Z (in 4m0s), or sooner with a shorter --stale-after"},
		{name: "pending with lock held", opts: Options{Recover: true}, facts: Facts{Revisions: revs("1:deployed", "2:pending-upgrade"), PendingSince: now.Add(-time.Hour), Lock: held}, refuse: "locked by"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.facts.Release, tt.facts.Namespace, tt.facts.Now = "web", "ns", now
			if tt.opts.StaleAfter == 0 {
				tt.opts.StaleAfter = DefaultStaleAfter
			}
			d, err := tt.opts.Decide(tt.facts)
			if tt.refuse != "" {
				if exit.CodeOf(err) != exit.Refused || !strings.Contains(err.Error(), tt.refuse) {
					t.Fatalf("err = %v (code %d), want refusal containing %q", err, exit.CodeOf(err), tt.refuse)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Target != tt.want {
				t.Errorf("target = %+v, want %+v", d.Target, tt.want)
			}
			if got := 0; d.Pending != nil || tt.pending != 0 {
				if d.Pending != nil {
					got = d.Pending.Version
				}
				if got != tt.pending {
					t.Errorf("pending = %d, want %d", got, tt.pending)
				}
			}
		})
	}
}
