package journal

import (
	"context"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes/fake"
)

// An entry left in progress (its process died) is closed as unknown by the
// next operation on the release; final entries and other releases are not
// touched.
func TestCloseOrphans(t *testing.T) {
	ctx := context.Background()
	j := New(fake.NewClientset(), "prod")
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	add := func(rel string, o Outcome, at time.Duration) Entry {
		e := entry(t, rollbackDoc)
		e.Release, e.Outcome, e.Start, e.End, e.Duration = rel, InProgress, start.Add(at), time.Time{}, 0
		got, err := j.Append(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		if o != InProgress {
			got.Finish(o, got.Start.Add(time.Second))
			if got, err = j.Update(ctx, got); err != nil {
				t.Fatal(err)
			}
		}
		return got
	}
	orphan1, done, orphan2, other := add("stellaops", InProgress, 0), add("stellaops", Succeeded, time.Minute),
		add("stellaops", InProgress, 2*time.Minute), add("web", InProgress, 0)
	ids, err := j.CloseOrphans(ctx, "stellaops", "promote 20261125-130000", OrphanHints{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != orphan1.ID+","+orphan2.ID {
		t.Fatalf("closed %v, want %s and %s", ids, orphan1.ID, orphan2.ID)
	}
	es, _ := j.List(ctx, "", time.Time{})
	got := map[string]Entry{}
	for _, e := range es {
		got[e.ID] = e
	}
	for id, want := range map[string]Outcome{orphan1.ID: Unknown, orphan2.ID: Unknown, done.ID: Succeeded, other.ID: InProgress} {
		if got[id].Outcome != want {
			t.Errorf("%s: outcome %s, want %s", id, got[id].Outcome, want)
		}
	}
	if n := got[orphan1.ID].Notes; !strings.Contains(n, "closed as unknown by promote 20261125-130000") || got[orphan1.ID].End.IsZero() {
		t.Errorf("closed entry: notes %q end %v", n, got[orphan1.ID].End)
	}
	if n := OrphansNote(ids); !strings.HasSuffix(n, orphan1.ID+", "+orphan2.ID) || OrphansNote(nil) != "" {
		t.Errorf("note %q", n)
	}
	if ids, err := j.CloseOrphans(ctx, "stellaops", "again", OrphanHints{}); err != nil || len(ids) != 0 {
		t.Fatalf("second close: %v %v", ids, err)
	}
}
