package guard

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/retention"
)

// Change is an operation's own part of a guarded release change.
type Change interface {
	// Begin runs under the lock once orphaned entries are closed (closed
	// names them) and returns the in-progress journal entry. An error stops
	// the run before anything is journaled or changed.
	Begin(ctx context.Context, who identity.Who, closed []string) (journal.Entry, error)
	// Apply makes the change. ctx is cancelled when the caller interrupts
	// or the lock is lost (context.Cause then wraps lock.ErrLost). applied
	// reports whether the change was in place when it failed.
	Apply(ctx context.Context) (applied bool, err error)
	// Undo is the revision to roll back to after a failed Apply; the zero
	// Undo leaves a failure in place.
	Undo() Undo
	// End adds the change's own part to the final entry (evidence, smoke,
	// notes) once the outcome is known.
	End(e *journal.Entry, v Verdict)
}

// Undo is where the automatic rollback returns to.
type Undo struct {
	Revision int
	// Bookmark, when set, is named in the recovery command of a failed rollback.
	Bookmark string
}

// Verdict is the classified end of a change, handed to Change.End.
type Verdict struct {
	Facts
	Outcome journal.Outcome
	Err     error // what the command exits with (nil on success)
	// Rollback is the automatic rollback that completed (nil when none did).
	Rollback *Rolled
}

// Rolled is a completed automatic rollback.
type Rolled struct {
	Revision int
	Took     time.Duration
}

// Guard runs one guarded change. Set the options, then call Run.
type Guard struct {
	cfg *kube.Config

	Release string
	// Operation names the lock's holder and the orphans' closer
	// ("promote", "safe-rollback").
	Operation   string
	LockTimeout time.Duration
	// Revisions are the release's revisions read before the change: an
	// orphaned entry is judged by the revisions made since it started.
	Revisions []helmx.Revision
	// JournalLimit is the journal retention applied once the entry is final.
	JournalLimit retention.Limit
	// MaxHistory is Helm's --history-max for the automatic rollback.
	MaxHistory int
	// Abort, when cancelled (a second interrupt), stops waiting for the
	// automatic rollback.
	Abort context.Context
	// Progress receives one line per step of the guard's own (nil: discard).
	Progress output.Reporter
	Now      func() time.Time

	rollbackFn func(ctx context.Context, revision int) error // tests; default: Helm's rollback
	renewEvery time.Duration                                 // tests; default: the lock's
}

// New returns a Guard on the injected configuration.
func New(cfg *kube.Config) *Guard {
	return &Guard{cfg: cfg, Now: time.Now}
}

// Report is what the guard did around the change.
type Report struct {
	Outcome       journal.Outcome
	Journal       string   // the entry's ID ("" when none was appended)
	ClosedEntries []string // orphaned entries closed as unknown
	Duration      time.Duration
	Rollback      *Rolled
	// JournalRetention is what the journal retention removed (nil: not applied).
	JournalRetention *retention.Applied
}

// Took is the run's duration as results show it ("" when nothing was journaled).
func (r *Report) Took() string {
	if r.Journal == "" {
		return ""
	}
	return r.Duration.Round(time.Millisecond).String()
}

// Pruned are the journal entries the retention removed.
func (r *Report) Pruned() []string {
	if r.JournalRetention == nil {
		return nil
	}
	return r.JournalRetention.Removed
}

// Run takes the lock and runs c under it (see the package doc). The
// Report is returned whenever the lock was asked for; the error carries
// the exit code.
func (g *Guard) Run(ctx context.Context, c Change) (rep *Report, err error) {
	if g.Now == nil {
		g.Now = time.Now
	}
	rep = &Report{}
	// the operation starts before it waits for the lock: an orphan closer
	// then finds the holder's lock renewals after the entry's start
	begun := g.Now().UTC()
	who := identity.Resolve(ctx, g.cfg.Typed, g.cfg.User)
	held, err := lock.Acquire(ctx, g.cfg.Typed, g.cfg.Namespace, g.Release,
		lock.Options{User: who.User, Operation: g.Operation, Duration: g.LockTimeout, RenewEvery: g.renewEvery})
	if err != nil {
		rep.Outcome, err = Classify(Facts{Operation: g.Operation, Refused: err})
		return rep, err
	}
	defer func() {
		if rerr := held.Release(context.WithoutCancel(ctx)); rerr != nil && err == nil {
			err = fmt.Errorf("%s: release lock: %w", g.Operation, rerr)
		}
	}()
	j := journal.New(g.cfg.Typed, g.cfg.Namespace)
	j.OnRetry = func(err error, next time.Duration) {
		g.progressf("journal: the API server did not answer, retrying in %s: %v", next, err)
	}
	hints := journal.OrphanHints{LastSeen: held.Previous.Renewed, RevisionSince: helmx.New(g.cfg).RevisionSince(ctx, g.Release, g.Revisions)}
	if rep.ClosedEntries, err = j.CloseOrphans(ctx, g.Release, g.Operation+" by "+who.User, hints); err != nil {
		return rep, fmt.Errorf("%s: journal: %w", g.Operation, err)
	}
	e, err := c.Begin(ctx, who, rep.ClosedEntries)
	if err != nil {
		return rep, err
	}
	if e.Start.IsZero() || begun.Before(e.Start) {
		e.Start = begun
	}
	if e, err = j.Append(ctx, e); err != nil {
		return rep, fmt.Errorf("%s: journal: %w", g.Operation, err)
	}
	rep.Journal = e.ID
	v := g.change(ctx, c, held)
	e.Finish(v.Outcome, g.Now().UTC())
	c.End(&e, v)
	rep.Outcome, rep.Duration, rep.Rollback = v.Outcome, time.Duration(e.Duration), v.Rollback
	if _, v.Journal = j.Update(context.WithoutCancel(ctx), e); v.Journal != nil {
		_, err = Classify(v.Facts)
		return rep, err
	}
	rep.JournalRetention = g.prune(ctx, j)
	return rep, v.Err
}

// change applies c watching the lock, rolls back after a failure when c
// asks for it, and classifies the outcome.
func (g *Guard) change(ctx context.Context, c Change, held *lock.Held) Verdict {
	wctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case err := <-held.Lost():
			cancel(err) // wraps lock.ErrLost and says why
		case <-wctx.Done():
		}
	}()
	applied, err := c.Apply(wctx)
	f := Facts{Operation: g.Operation, Err: err, Applied: applied,
		Interrupted: errors.Is(ctx.Err(), context.Canceled), LockLost: errors.Is(context.Cause(wctx), lock.ErrLost)}
	var rolled *Rolled
	if u := c.Undo(); err != nil && u.Revision > 0 {
		took, rerr := g.abortableRollback(ctx, u.Revision)
		f.RolledBack, f.RollbackErr = rerr == nil, g.rollbackError(u, rerr)
		if rerr == nil {
			rolled = &Rolled{Revision: u.Revision, Took: took}
			g.progressf("rollback: %s to revision %d in %s", g.Release, u.Revision, took.Round(time.Millisecond))
		}
	}
	o, err := Classify(f)
	return Verdict{Facts: f, Outcome: o, Err: err, Rollback: rolled}
}

// prune applies the journal retention once this run's entry is final
// (entries in progress, ours or another run's, are never removed).
func (g *Guard) prune(ctx context.Context, j *journal.Journal) *retention.Applied {
	if ctx.Err() != nil { // interrupted: leave housekeeping for the next run
		return nil
	}
	a := j.ApplyRetention(ctx, g.Release, g.JournalLimit)
	if a != nil {
		if line := a.Line(); line != "" {
			g.progressf("journal retention: %s", line)
		}
	}
	return a
}

func (g *Guard) progressf(format string, a ...any) {
	if g.Progress != nil {
		g.Progress.Logf(format, a...)
	}
}

// Entries are release's journal entries, oldest first: what an
// operation's decision reads (an entry in flight, the staging release's
// last promote) before it asks for the guard.
func Entries(ctx context.Context, cfg *kube.Config, release string) ([]journal.Entry, error) {
	return journal.New(cfg.Typed, cfg.Namespace).List(ctx, release, time.Time{})
}
