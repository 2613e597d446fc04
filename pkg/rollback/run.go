package rollback

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"helm.sh/helm/v3/pkg/release"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/lock"
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

// perform holds the lock and journals around the side effects.
func (r *Rollback) perform(ctx context.Context, res *Result, target *release.Release, expect expected) error {
	who := identity.Resolve(ctx, r.cfg.Typed, r.cfg.User)
	held, err := lock.Acquire(ctx, r.cfg.Typed, r.cfg.Namespace, r.Release,
		lock.Options{User: who.User, Operation: "safe-rollback", Duration: r.LockTimeout})
	if err != nil {
		return err
	}
	bg := context.WithoutCancel(ctx)
	defer func() { _ = held.Release(bg) }()
	j := journal.New(r.cfg.Typed, r.cfg.Namespace)
	hints := journal.OrphanHints{LastSeen: held.Previous.Renewed, RevisionSince: helmx.New(r.cfg).RevisionSince(ctx, r.Release, r.revisions)}
	if res.ClosedEntries, err = j.CloseOrphans(ctx, r.Release, "safe-rollback by "+who.User, hints); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if note := journal.OrphansNote(res.ClosedEntries); note != "" {
		res.Warnings = append(res.Warnings, note)
	}
	e, err := j.Append(ctx, r.entry(res, who))
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	res.JournalID = e.ID
	// The steps share one deadline; verification gets the time left as its
	// own timeout (a timed-out verdict with evidence) and the caller's ctx.
	r.deadline = r.now().Add(r.Timeout)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lost := make(chan struct{})
	go func() {
		select {
		case <-held.Lost():
			cancel()
			close(lost)
		case <-wctx.Done():
		}
	}()
	runErr := r.steps(wctx, res, target, expect)
	select {
	case <-lost:
		runErr = fmt.Errorf("lock lost during the rollback: %w", lock.ErrLost)
	default:
	}
	outcome, runErr := classify(ctx, runErr)
	end := r.now()
	e.Finish(outcome, end)
	e.RollbackDuration = e.Duration
	fill(&e, res, runErr)
	res.Outcome, res.Duration = outcome, elapsed(e.Start, end)
	if _, err := j.Update(bg, e); err != nil {
		if runErr == nil {
			runErr = fmt.Errorf("journal: %w", err)
		}
	} else {
		r.pruneJournal(ctx, j, res)
	}
	return runErr
}

// classify maps the steps' error and the contexts to an outcome and the
// returned error: cancelled by the caller = interrupted, deadline = exit 3.
func classify(parent context.Context, err error) (journal.Outcome, error) {
	switch {
	case parent.Err() != nil:
		return journal.Interrupted, fmt.Errorf("interrupted (%v): the rollback stopped waiting; see the journal and helm history", parent.Err())
	case err == nil:
		return journal.Succeeded, nil
	case exit.CodeOf(err) == exit.Timeout:
		return journal.Failed, err
	case errors.Is(err, context.DeadlineExceeded):
		return journal.Failed, exit.TimedOut("timed out: %v", err)
	case kube.Transient(err): // the API went away mid-rollback: the release's state is unknown
		return journal.Unknown, err
	}
	return journal.Failed, err
}

// entry is the in-progress journal entry.
func (r *Rollback) entry(res *Result, who identity.Who) journal.Entry {
	start := r.now().UTC()
	side := func(s plan.Side) journal.Revision {
		jr := journal.Revision{Revision: s.Revision, ChartVersion: s.ChartVersion, Digests: map[string]string{}}
		for w, ref := range s.Images {
			if plan.Digest(ref) != "" {
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
