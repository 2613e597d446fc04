package journal

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
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

// A create cut by cancellation (SIGINT/SIGTERM with the request in flight)
// that the API server stored anyway is finished as interrupted by Append
// itself, not left in progress; one that was not stored leaves nothing.
func TestAppendCutByCancellationFinishesItsEntry(t *testing.T) {
	for _, stored := range []bool{true, false} {
		c := fake.NewClientset()
		ctx, cancel := context.WithCancel(context.Background())
		c.PrependReactor("create", "configmaps", func(a k8stesting.Action) (bool, runtime.Object, error) {
			if stored {
				if err := c.Tracker().Create(a.GetResource(), a.(k8stesting.CreateAction).GetObject(), "prod"); err != nil {
					t.Fatal(err)
				}
			}
			cancel()
			return true, nil, context.Canceled
		})
		j := New(c, "prod")
		if _, err := j.Append(ctx, Entry{Operation: Promote, Release: "web"}); !errors.Is(err, context.Canceled) {
			t.Fatalf("stored %v: append: %v", stored, err)
		}
		list, err := j.List(context.Background(), "web", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case !stored && len(list) != 0:
			t.Fatalf("nothing stored, yet entries %+v", list)
		case stored && (len(list) != 1 || list[0].Outcome != Interrupted || !strings.Contains(list[0].Notes, "did not start")):
			t.Fatalf("stored entry not finished as interrupted: %+v", list)
		}
	}
}
