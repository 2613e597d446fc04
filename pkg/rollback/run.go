package rollback

import (
	"context"
	"strings"

	"helm.sh/helm/v3/pkg/release"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/guard"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/plan"
)

// Run plans and, unless Plan is set, performs the safe-rollback. The
// Result is returned whenever something was decided; the error carries the
// exit code (2 verification or smoke failed, 3 timeout, 5 refused).
func (r *Rollback) Run(ctx context.Context) (*Result, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	if err := r.loadSuite(); err != nil {
		return nil, err
	}
	if err := r.loadRetention(); err != nil {
		return nil, err
	}
	store := helmx.New(r.cfg)
	f, err := r.facts(ctx, store)
	if err != nil {
		return nil, err
	}
	d, err := r.Decide(f)
	if err != nil {
		return nil, err
	}
	from, to, b, err := r.sides(ctx, store, d)
	if err != nil {
		return nil, err
	}
	res := &Result{Release: r.Release, Namespace: r.cfg.Namespace, Decision: d, Plan: plan.Compute(Input(from), Input(to))}
	if d.Locked != "" {
		res.Warnings = append(res.Warnings, d.Locked)
	}
	if w := CRDWarning(from, to); w != "" {
		res.Warnings = append(res.Warnings, w)
	}
	if un := res.Plan.Unpinned(); r.RequireDigests && len(un) > 0 {
		return res, exit.Refusal("--require-digests: the target's images are not pinned by digest: %s", strings.Join(un, ", "))
	}
	if r.Plan {
		res.DryRun = true
		return res, nil
	}
	return res, r.perform(ctx, res, to, pins(res.Plan, b))
}

// perform runs the steps under the guard: lock, journal, lost-lock watch,
// interrupt, outcome.
func (r *Rollback) perform(ctx context.Context, res *Result, target *release.Release, expect expected) error {
	g := guard.New(r.cfg)
	g.Release, g.Operation, g.LockTimeout = r.Release, "safe-rollback", r.LockTimeout
	g.Revisions, g.JournalLimit, g.MaxHistory = r.revisions, r.journalLimit, r.MaxHistory
	g.Progress, g.Now = r.progress(), r.now
	rep, err := g.Run(ctx, &change{r: r, res: res, target: target, expect: expect})
	res.Outcome, res.JournalID, res.ClosedEntries, res.Duration = rep.Outcome, rep.Journal, rep.ClosedEntries, rep.Took()
	res.JournalRetention, res.PrunedJournalEntries = rep.JournalRetention, rep.Pruned()
	return err
}

// change is safe-rollback's part of the guarded change: the steps.
type change struct {
	r      *Rollback
	res    *Result
	target *release.Release
	expect expected
}

// Begin returns the in-progress entry; orphaned entries closed become a warning.
func (c *change) Begin(_ context.Context, who identity.Who, closed []string) (journal.Entry, error) {
	if note := journal.OrphansNote(closed); note != "" {
		c.res.Warnings = append(c.res.Warnings, note)
	}
	return c.r.entry(c.res, who), nil
}

// Apply runs the steps. They share one deadline; verification gets the
// time left as its own timeout (a timed-out verdict with evidence).
func (c *change) Apply(ctx context.Context) (bool, error) {
	c.r.deadline = c.r.now().Add(c.r.Timeout)
	err := c.r.steps(ctx, c.res, c.target, c.expect)
	return c.res.NewRevision > 0, err
}

// Undo: a failed safe-rollback is left as it is (evidence journaled).
func (c *change) Undo() guard.Undo { return guard.Undo{} }

// End completes the final entry: evidence, smoke, notes.
func (c *change) End(e *journal.Entry, v guard.Verdict) {
	e.RollbackDuration = e.Duration
	fill(e, c.res, v.Err)
}

// entry is the in-progress journal entry.
func (r *Rollback) entry(res *Result, who identity.Who) journal.Entry {
	start := r.now().UTC()
	side := func(s plan.Side) journal.Revision {
		jr := journal.Revision{Revision: s.Revision, ChartVersion: s.ChartVersion, Digests: map[string]string{}}
		for w, ref := range s.Images {
			if image.PinnedDigest(ref) != "" {
				jr.Digests[w] = ref
			}
		}
		return jr
	}
	op := journal.SafeRollback
	if res.Decision.Pending != nil { // --recover marks a stuck revision failed first
		op = journal.Recover
	}
	e := journal.Entry{
		ID: journal.NewID(r.Release, start), Operation: op, Release: r.Release,
		Namespace: r.cfg.Namespace, Context: r.cfg.Context, Who: who, Start: start,
		From: side(res.Plan.From), To: side(res.Plan.To), Reason: r.Reason, Outcome: journal.InProgress,
	}
	if t := res.Decision.Target; t.Bookmark != "" {
		e.Notes = "target: bookmark " + t.Bookmark
	}
	if r.Channel != "" { // the drill log's Channel column
		e.Manifest = journal.Manifest{Channel: r.Channel, Version: r.suiteVersion}
	}
	return e
}
