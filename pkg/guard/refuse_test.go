package guard

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/lock"
)

func unexpected(t *testing.T) func(context.Context) (bool, error) {
	return func(context.Context) (bool, error) {
		t.Error("the change ran")
		return false, nil
	}
}

// A lock held by another operator refuses the run (exit 5): nothing is
// journaled or changed, and the other operator's lock stays.
func TestRefusedLockHeld(t *testing.T) {
	f := newFixture(t)
	bob, err := lock.Acquire(context.Background(), f.typed, ns, rel, lock.Options{User: "bob", Operation: "safe-rollback"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = bob.Release(context.Background()) }()
	c := &testChange{apply: unexpected(t)}
	rep, err := f.guard().Run(context.Background(), c)
	if rep.Outcome != journal.Refused || exit.CodeOf(err) != exit.Refused || !strings.Contains(err.Error(), "locked by bob") {
		t.Fatalf("outcome %s, code %d: %v", rep.Outcome, exit.CodeOf(err), err)
	}
	if c.begun || len(f.entries(t)) != 0 || f.last(t).Version != 2 || !f.leased(t) {
		t.Errorf("a refused run changed something: begun %v, %d entries, last revision %d", c.begun, len(f.entries(t)), f.last(t).Version)
	}
}

// A refusal of the change's own (safe-rollback's --recover finding the
// revision no longer pending) is journaled as failed with exit 5.
func TestRefusedByTheChange(t *testing.T) {
	f := newFixture(t)
	c := &testChange{apply: func(context.Context) (bool, error) {
		return false, exit.Refusal("revision 2 of \"web\" is no longer pending (deployed): nothing changed")
	}}
	rep, err := f.guard().Run(context.Background(), c)
	checkRun(t, f, rep, err, journal.Failed, exit.Refused, "no longer pending")
}

// A lock lost while the change waits cancels the change: failed (exit 1,
// lock.ErrLost), or rolled back when the change asks for it.
func TestLockLost(t *testing.T) {
	for _, tt := range []struct {
		name    string
		undo    Undo
		outcome journal.Outcome
		last    int
	}{
		{"left in place", Undo{}, journal.Failed, 3},
		{"rolled back", Undo{Revision: 2}, journal.RolledBack, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			g := f.guard()
			g.renewEvery = 20 * time.Millisecond
			c := &testChange{undo: tt.undo, apply: func(ctx context.Context) (bool, error) {
				if _, err := f.upgrade(ctx, "2.0.0"); err != nil {
					return false, err
				}
				if err := f.typed.CoordinationV1().Leases(ns).Delete(ctx, lock.Name(rel), metav1Delete); err != nil {
					return true, err
				}
				<-ctx.Done() // the watch cancels the wait
				return true, exit.WithCode(exit.Operational, errors.Join(errors.New("promote: wait interrupted"), context.Cause(ctx)))
			}}
			rep, err := g.Run(context.Background(), c)
			checkRun(t, f, rep, err, tt.outcome, exit.Operational, "lock lost")
			if !errors.Is(err, lock.ErrLost) || !c.end.LockLost {
				t.Errorf("error %v does not wrap lock.ErrLost (facts %+v)", err, c.end.Facts)
			}
			if f.last(t).Version != tt.last {
				t.Errorf("last revision %d, want %d", f.last(t).Version, tt.last)
			}
		})
	}
}

// A journal that cannot be written: before the change, nothing changes
// (exit 1); after it, the outcome stands and the run exits 1 naming the
// journal. The lock is released either way.
func TestJournalWriteFailure(t *testing.T) {
	forbid := func(verb string) k8stesting.ReactionFunc {
		return func(a k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "stella-journal", errors.New(verb+" denied"))
		}
	}
	t.Run("update", func(t *testing.T) {
		f := newFixture(t)
		f.typed.PrependReactor("update", "configmaps", forbid("update"))
		c := &testChange{apply: upgradeThenCtx(f)}
		rep, err := f.guard().Run(context.Background(), c)
		if rep.Outcome != journal.Succeeded || exit.CodeOf(err) != exit.Operational || !strings.Contains(err.Error(), "promote: journal:") {
			t.Fatalf("outcome %s, code %d: %v", rep.Outcome, exit.CodeOf(err), err)
		}
		if es := f.entries(t); len(es) != 1 || es[0].Outcome != journal.InProgress || f.leased(t) || f.last(t).Version != 3 {
			t.Errorf("entries %+v, leased %v, last %d", es, f.leased(t), f.last(t).Version)
		}
	})
	t.Run("append", func(t *testing.T) {
		f := newFixture(t)
		f.typed.PrependReactor("create", "configmaps", forbid("create"))
		c := &testChange{apply: unexpected(t)}
		rep, err := f.guard().Run(context.Background(), c)
		if rep.Outcome != "" || rep.Journal != "" || exit.CodeOf(err) != exit.Operational || f.leased(t) || f.last(t).Version != 2 {
			t.Fatalf("outcome %q, journal %q, code %d: %v", rep.Outcome, rep.Journal, exit.CodeOf(err), err)
		}
	})
}

func upgradeThenCtx(f *fixture) func(context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) { return upgradeThen(nil)(ctx, f, nil) }
}
