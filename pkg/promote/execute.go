package promote

import (
	"context"
	"fmt"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/gitstate"
	"github.com/stella-ops/stella-plugins/pkg/guard"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/retention"
)

// execute runs the change under the guard (lock, journal, lost-lock watch,
// rollback on failure or interrupt, outcome); the lock is released
// whatever happens.
func (p *Promote) execute(ctx context.Context, st *state, res *Result) error {
	g := guard.New(p.cfg)
	g.Release, g.Operation, g.LockTimeout = p.Release, string(journal.Promote), p.LockTimeout
	g.Revisions, g.JournalLimit, g.MaxHistory, g.Abort = st.revisions, st.journalLimit, p.MaxHistory, p.Abort
	g.Progress, g.Now = p.Progress, p.Now
	rep, err := g.Run(ctx, &change{p: p, st: st, res: res})
	res.ClosedEntries, res.Journal, res.Duration = rep.ClosedEntries, rep.Journal, rep.Took()
	res.JournalRetention, res.PrunedJournalEntries = rep.JournalRetention, rep.Pruned()
	if rep.Outcome == journal.Refused {
		res.Outcome, res.Message = journal.Refused, err.Error()
	}
	return err
}

// change is promote's part of the guarded change: bookmark, upgrade,
// verify and smoke.
type change struct {
	p   *Promote
	st  *state
	res *Result
}

// Begin bookmarks the current revision and returns the in-progress entry.
func (c *change) Begin(ctx context.Context, who identity.Who, closed []string) (journal.Entry, error) {
	p, res := c.p, c.res
	if note := journal.OrphansNote(closed); note != "" {
		p.progressf("%s", note)
	}
	if !c.st.first {
		if err := p.bookmark(ctx, c.st, res); err != nil {
			return journal.Entry{}, err
		}
	}
	start := p.Now()
	git := gitstate.Read(ctx, p.GitDir)
	return journal.Entry{ID: journal.NewID(p.Release, start), Operation: journal.Promote, Release: p.Release,
		Namespace: p.cfg.Namespace, Context: p.cfg.Context, Who: who, Start: start.UTC(), From: res.From,
		Manifest: res.Manifest, Git: journal.Git{Describe: git.Describe, SHA: git.SHA}, Outcome: journal.InProgress,
		Reason: "promote " + target(res)}, nil
}

// Apply upgrades and verifies; applied reports that the upgrade created
// the new revision (a failure after it is rolled back as rolled-back).
func (c *change) Apply(ctx context.Context) (bool, error) {
	return c.p.apply(ctx, c.st, c.res)
}

// Undo is the bookmarked revision, unless NoRollback or a first install.
func (c *change) Undo() guard.Undo {
	if c.p.NoRollback || c.st.first {
		return guard.Undo{}
	}
	return guard.Undo{Revision: c.st.current.Version, Bookmark: c.res.Bookmark}
}

// End records the outcome in the result and the final entry; a failed
// revision left in place is marked failed in Helm's storage first.
func (c *change) End(e *journal.Entry, v guard.Verdict) {
	p, res := c.p, c.res
	res.Outcome = v.Outcome
	if v.Err != nil {
		res.Message = v.Err.Error()
		c.leftInPlace(v)
	}
	if r := v.Rollback; r != nil {
		res.Rollback = fmt.Sprintf("to revision %d in %s", r.Revision, r.Took.Round(time.Millisecond))
		e.RollbackDuration = journal.Duration(r.Took)
	}
	e.To, e.Evidence, e.Smoke, e.Notes = res.To, res.Evidence, smokeJSON(res.Smoke), res.Message
	if p.NoSmoke && res.Smoke == nil && res.Outcome == journal.Succeeded {
		e.Smoke = journal.SmokeSkipped("--no-smoke")
	}
}

// leftInPlace marks a failed revision that no rollback replaced as failed
// (unless the API went away: then its state is unknown).
func (c *change) leftInPlace(v guard.Verdict) {
	p, res := c.p, c.res
	if v.Rollback != nil || v.RollbackErr != nil || res.To.Revision == 0 || v.Outcome == journal.Unknown {
		return
	}
	if err := p.markFailed(res.To.Revision, v.Facts.Err); err != nil {
		res.Message += "; " + err.Error()
		return
	}
	p.progressf("left in place: revision %d of %s marked failed", res.To.Revision, p.Release)
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

// apply upgrades and verifies, setting the success message; applied
// reports whether the new revision was created. The error carries the
// exit code.
func (p *Promote) apply(ctx context.Context, st *state, res *Result) (applied bool, err error) {
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
		return false, exit.WithCode(exit.Operational, fmt.Errorf("promote: upgrade: %w", err))
	}
	if err := p.verify(ctx, st, res); err != nil {
		return true, err
	}
	res.Message = fmt.Sprintf("revision %d of %s is healthy, runs the manifest's digests and passed smoke", res.To.Revision, p.Release)
	if st.manifestPath == "" {
		res.Message = fmt.Sprintf("revision %d of %s is healthy (no release manifest: digests not checked)", res.To.Revision, p.Release)
	}
	return true, nil
}
