package promote

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/gitstate"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/pkg/retention"
)

// rollbackBudget bounds the automatic rollback, which runs even after an
// interrupt.
const rollbackBudget = 2 * time.Minute

// execute takes the lock, bookmarks, journals, upgrades, verifies and, on
// failure, rolls back. The lock is released whatever happens.
func (p *Promote) execute(ctx context.Context, st *state, res *Result) (err error) {
	start := p.Now()
	who := identity.Resolve(ctx, p.cfg.Typed, p.cfg.User)
	held, err := lock.Acquire(ctx, p.cfg.Typed, p.cfg.Namespace, p.Release,
		lock.Options{User: who.User, Operation: string(journal.Promote), Duration: p.LockTimeout})
	if err != nil {
		res.Outcome, res.Message = journal.Refused, err.Error()
		return err
	}
	defer func() {
		if rerr := held.Release(context.WithoutCancel(ctx)); rerr != nil && err == nil {
			err = fmt.Errorf("promote: release lock: %w", rerr)
		}
	}()
	j := journal.New(p.cfg.Typed, p.cfg.Namespace)
	hints := journal.OrphanHints{LastSeen: held.Previous.Renewed, RevisionSince: helmx.New(p.cfg).RevisionSince(ctx, p.Release, st.revisions)}
	if res.ClosedEntries, err = j.CloseOrphans(ctx, p.Release, "promote by "+who.User, hints); err != nil {
		return fmt.Errorf("promote: journal: %w", err)
	}
	if note := journal.OrphansNote(res.ClosedEntries); note != "" {
		p.progressf("%s", note)
	}
	if !st.first {
		if err := p.bookmark(ctx, st, res); err != nil {
			return err
		}
	}
	git := gitstate.Read(ctx, p.GitDir)
	e := journal.Entry{ID: journal.NewID(p.Release, start), Operation: journal.Promote, Release: p.Release,
		Namespace: p.cfg.Namespace, Context: p.cfg.Context, Who: who, Start: start.UTC(), From: res.From,
		Manifest: res.Manifest, Git: journal.Git{Describe: git.Describe, SHA: git.SHA}, Outcome: journal.InProgress,
		Reason: "promote " + target(res)}
	if e, err = j.Append(ctx, e); err != nil {
		return fmt.Errorf("promote: journal: %w", err)
	}
	res.Journal = e.ID
	runErr := p.apply(ctx, st, res, held)
	e.To, e.Evidence, e.Smoke, e.Notes = res.To, res.Evidence, smokeJSON(res.Smoke), res.Message
	if p.NoSmoke && res.Smoke == nil && res.Outcome == journal.Succeeded {
		e.Smoke = journal.SmokeSkipped("--no-smoke")
	}
	if res.Rollback != "" {
		e.RollbackDuration = journal.Duration(p.rollbackTook)
	}
	e.Finish(res.Outcome, p.Now().UTC())
	res.Duration = time.Duration(e.Duration).Round(time.Millisecond).String()
	if _, jerr := j.Update(context.WithoutCancel(ctx), e); jerr != nil && runErr == nil {
		runErr = fmt.Errorf("promote: journal: %w", jerr)
	} else if jerr == nil {
		p.pruneJournal(ctx, j, st.journalLimit, res)
	}
	return runErr
}

// bookmark records the current revision, then applies the retention of
// promote's own bookmarks (by count and age; never an operator's), listing
// what it deleted.
func (p *Promote) bookmark(ctx context.Context, st *state, res *Result) error {
	op := bookmark.NewCreate(p.cfg)
	l := st.bookmarkLimit
	op.Origin, op.Keep = bookmark.OriginPromote, l.Keep
	op.Prune = bookmark.PruneOptions{Origin: bookmark.OriginPromote, LastCopy: true, MaxAge: l.MaxAge}
	b, err := op.Run(ctx, p.Release)
	if b != nil && b.Bookmark != nil {
		res.Bookmark = b.Bookmark.Name
		p.progressf("bookmark: %s (revision %d)", res.Bookmark, st.current.Version)
		for _, pr := range b.Pruned {
			res.PrunedBookmarks = append(res.PrunedBookmarks, pr.Name)
			p.progressf("bookmark retention: deleted %s (revision %d, %s)", pr.Name, pr.Revision, pr.Why)
		}
		if l.Enabled() {
			res.BookmarkRetention = &retention.Applied{Limit: l, Removed: res.PrunedBookmarks}
		}
	}
	if err != nil {
		return fmt.Errorf("promote: bookmark revision %d: %w", st.current.Version, err)
	}
	return nil
}

// apply upgrades and verifies; on failure it rolls back and sets the
// outcome. The error carries the exit code.
func (p *Promote) apply(ctx context.Context, st *state, res *Result, held *lock.Held) error {
	p.progressf("upgrade: %s in %s to %s", p.Release, p.cfg.Namespace, target(res))
	rel, err := p.upgrade(ctx, st)
	if rel != nil {
		res.To.Revision = rel.Version
		res.To.Digests = pinnedRefs(rel.Manifest)
		if rel.Chart != nil && rel.Chart.Metadata != nil {
			res.To.ChartVersion = rel.Chart.Metadata.Version
		}
	}
	if err != nil {
		return p.fail(ctx, st, res, journal.Failed, exit.WithCode(exit.Operational, fmt.Errorf("promote: upgrade: %w", err)))
	}
	failure := p.verify(ctx, st, res, held)
	if failure == nil {
		res.Outcome = journal.Succeeded
		res.Message = fmt.Sprintf("revision %d of %s is healthy, runs the manifest's digests and passed smoke", res.To.Revision, p.Release)
		if p.manifestPath == "" {
			res.Message = fmt.Sprintf("revision %d of %s is healthy (no release manifest: digests not checked)", res.To.Revision, p.Release)
		}
		return nil
	}
	return p.fail(ctx, st, res, journal.RolledBack, failure)
}

// fail rolls back to the bookmarked revision (unless NoRollback or first
// install) and records why.
func (p *Promote) fail(ctx context.Context, st *state, res *Result, outcome journal.Outcome, why error) error {
	res.Message = why.Error()
	interrupted := errors.Is(ctx.Err(), context.Canceled)
	switch {
	case p.NoRollback || st.first:
		res.Outcome = journal.Failed
		if kube.Transient(why) {
			res.Outcome = journal.Unknown
		}
		if interrupted {
			res.Outcome = journal.Interrupted
		}
		if res.To.Revision > 0 && res.Outcome != journal.Unknown {
			if err := p.markFailed(res.To.Revision, why); err != nil {
				res.Message += "; " + err.Error()
			} else {
				p.progressf("left in place: revision %d of %s marked failed", res.To.Revision, p.Release)
			}
		}
		return why
	}
	took, err := p.abortableRollback(ctx, st.current.Version)
	p.rollbackTook = took
	if errors.Is(err, errAborted) {
		res.Outcome = journal.Interrupted
		res.Message += fmt.Sprintf("; rollback to revision %d aborted by a second interrupt: if the release is pending-rollback, run helm stella safe-rollback %s --recover --namespace %s", st.current.Version, p.Release, p.cfg.Namespace)
		return exit.WithCode(exit.Operational, fmt.Errorf("%w; %v", why, err))
	}
	if err != nil {
		res.Outcome = journal.Failed
		if kube.Transient(err) { // the API went away mid-rollback: the release's state is unknown
			res.Outcome = journal.Unknown
		}
		next := fmt.Sprintf("rollback to revision %d failed: %v; once the API server answers, run: helm stella safe-rollback %s --namespace %s",
			st.current.Version, err, p.Release, p.cfg.Namespace)
		if res.Bookmark != "" {
			next += " --to-bookmark " + res.Bookmark
		}
		res.Message += "; " + next
		return exit.WithCode(exit.Operational, fmt.Errorf("%w; %s", why, next))
	}
	res.Rollback = fmt.Sprintf("to revision %d in %s", st.current.Version, took.Round(time.Millisecond))
	res.Outcome = outcome
	if interrupted {
		res.Outcome = journal.Interrupted
	}
	p.progressf("rollback: %s %s", p.Release, res.Rollback)
	return why
}

var errAborted = errors.New("rollback aborted by a second interrupt")

// abortableRollback rolls back on a context no first interrupt cancels,
// bounded by rollbackBudget; a cancelled Abort stops waiting for it (the
// Helm SDK's rollback takes no context, so it may still be applying).
func (p *Promote) abortableRollback(ctx context.Context, revision int) (time.Duration, error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackBudget)
	defer cancel()
	run := p.rollbackFn
	if run == nil {
		run = p.rollback
	}
	abort := p.Abort
	if abort == nil {
		abort = context.Background()
	}
	type result struct {
		took time.Duration
		err  error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() { took, err := run(rctx, revision); done <- result{took, err} }()
	select {
	case r := <-done:
		return r.took, r.err
	case <-abort.Done():
		return time.Since(start), errAborted
	}
}
