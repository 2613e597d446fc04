package guard

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/retention"
)

// An entry left in progress by a run that died is closed as unknown under
// the lock and handed to Begin; once this run's entry is final the journal
// retention prunes the finished entries beyond the limit (never ours).
func TestOrphansAndRetention(t *testing.T) {
	f := newFixture(t)
	j := journal.New(f.typed, ns)
	old := time.Now().Add(-time.Hour).UTC()
	orphan, err := j.Append(context.Background(), journal.Entry{Operation: journal.Promote, Release: rel, Start: old,
		Who: journalWho, Reason: "died"})
	if err != nil {
		t.Fatal(err)
	}
	g := f.guard()
	g.JournalLimit = retention.Limit{Keep: 1}
	var out bytes.Buffer
	g.Progress = output.NewProgress(&out)
	c := &testChange{apply: upgradeThenCtx(f)}
	rep, err := g.Run(context.Background(), c)
	if err != nil || rep.Outcome != journal.Succeeded {
		t.Fatalf("outcome %s: %v", rep.Outcome, err)
	}
	if len(c.closed) != 1 || c.closed[0] != orphan.ID || len(rep.ClosedEntries) != 1 {
		t.Errorf("closed %v, want the orphan %s", c.closed, orphan.ID)
	}
	es := f.entries(t)
	if len(es) != 1 || es[0].ID != rep.Journal || rep.JournalRetention == nil || len(rep.JournalRetention.Removed) != 1 {
		t.Errorf("after retention keep 1: entries %v, applied %+v", es, rep.JournalRetention)
	}
	if lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "journal retention: ") {
		t.Errorf("progress %q, want the retention line", lines)
	}
	if exit.CodeOf(err) != exit.OK {
		t.Error(err)
	}
}
