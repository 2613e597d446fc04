package rollback

import (
	"fmt"
	"strings"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/lock"
)

// Facts are what Decide needs, read once from the cluster.
type Facts struct {
	Release   string
	Namespace string
	Revisions []helmx.Revision   // oldest first
	Bookmarks []bookmark.Summary // of the release, oldest first
	Lock      *lock.Info         // nil when no Lease exists
	// PendingSince is when the newest pending-* revision started (its
	// LastDeployed), zero when none is pending.
	PendingSince time.Time
	// PendingBy is the newest in-progress journal entry of the release, if
	// any: who started the operation that left the revision pending.
	PendingBy *journal.Entry
	// LockHolderGone: the lock's holder ran on this host under a pid that
	// no longer exists (lock.HolderGone).
	LockHolderGone bool
	// RolledBack maps a revision that a journaled promote rolled back (its
	// target, judged unhealthy) to that promote's journal entry.
	RolledBack map[int]string
	Now        time.Time
}

// Target is what the release rolls back to.
type Target struct {
	Revision int    `json:"revision"`
	Bookmark string `json:"bookmark,omitempty"`
	// Restore is set when the revision was pruned from Helm's history: it is
	// re-created from the bookmark's stored release.
	Restore bool `json:"restore,omitempty"`
}

// Decision is the pure outcome of the preflight.
type Decision struct {
	From    helmx.Revision  `json:"from"`
	Target  Target          `json:"target"`
	Pending *helmx.Revision `json:"pending,omitempty"` // to mark failed (Recover)
	// Rule says which rule chose the target.
	Rule string `json:"rule"`
	// Locked notes a held lock a --plan did not refuse (it writes nothing).
	Locked string `json:"locked,omitempty"`
}

// Decide chooses the target and applies the preflight refusals (exit 5,
// nothing changed): lock held, stuck release without --recover or not yet
// stale, target missing from the history and every bookmark.
func (o *Options) Decide(f Facts) (*Decision, error) {
	if f.Lock != nil && f.Lock.Held(f.Now) && !o.Plan { // --plan writes nothing: it only notes the lock
		return nil, exit.Refusal("release %q is locked by %s: wait for it to finish, or for the lock to expire",
			f.Release, f.Lock.Describe(f.Now, f.LockHolderGone))
	}
	from, ok := helmx.Latest(f.Revisions)
	if !ok {
		return nil, exit.Refusal("release %q not found in namespace %q", f.Release, f.Namespace)
	}
	d := &Decision{From: from}
	if f.Lock != nil && f.Lock.Held(f.Now) {
		d.Locked = "locked by " + f.Lock.Describe(f.Now, f.LockHolderGone) + ": a rollback would be refused now"
	}
	if p, ok := helmx.PendingRevision(f.Revisions); ok {
		if err := o.stuck(f, p); err != nil {
			return nil, err
		}
		d.Pending = &p
	}
	t, rule, err := o.target(f, from)
	if err != nil {
		return nil, err
	}
	d.Target, d.Rule = t, rule
	return d, nil
}

// stuck refuses a pending-* release unless Recover applies.
func (o *Options) stuck(f Facts, p helmx.Revision) error {
	age := f.Now.Sub(f.PendingSince).Round(time.Second)
	what := fmt.Sprintf("release %q is stuck: revision %d is %s since %s (%s ago)", f.Release, p.Version, p.Status,
		f.PendingSince.UTC().Format(time.RFC3339), age)
	if e := f.PendingBy; e != nil {
		what += fmt.Sprintf(", left by %s of %s started %s (journal %s)", e.Operation, e.Who.User, e.Start.UTC().Format(time.RFC3339), e.ID)
	}
	if !o.Recover {
		return exit.Refusal("%s; if no Helm operation is still running, mark it failed and roll back with:\n  %s",
			what, recoverCommand(f, o.StaleAfter))
	}
	if age < o.StaleAfter {
		at := f.PendingSince.Add(o.StaleAfter).UTC().Format(time.RFC3339)
		return exit.Refusal("%s, less than --stale-after %s: an operation may still be in flight; --recover applies from %s (in %s), or sooner with a shorter --stale-after if you know no Helm operation is running:\n  %s",
			what, o.StaleAfter, at, (o.StaleAfter - age).Round(time.Second), recoverCommand(f, o.StaleAfter))
	}
	return nil
}

func recoverCommand(f Facts, stale time.Duration) string {
	cmd := []string{"helm", "stella", "safe-rollback", f.Release, "--recover", "--namespace", f.Namespace}
	if stale != DefaultStaleAfter {
		cmd = append(cmd, "--stale-after", stale.String())
	}
	return strings.Join(cmd, " ")
}

// target chooses the rollback target and names the rule that chose it:
// --to-bookmark, --revision, else the newest healthy (deployed or
// superseded) revision before the current one, as helm rollback does; a
// bookmark is used only to restore that revision when Helm pruned it.
func (o *Options) target(f Facts, from helmx.Revision) (Target, string, error) {
	inHistory := func(v int) bool {
		for _, r := range f.Revisions {
			if r.Version == v && !r.Pending() {
				return true
			}
		}
		return false
	}
	fromBookmark := func(b bookmark.Summary) Target {
		return Target{Revision: b.Revision, Bookmark: b.Name, Restore: !inHistory(b.Revision)}
	}
	switch {
	case o.ToBookmark != "":
		for _, b := range f.Bookmarks {
			if b.Name == o.ToBookmark {
				return fromBookmark(b), "--to-bookmark " + b.Name, nil
			}
		}
		return Target{}, "", exit.Refusal("bookmark %q of release %q not found in namespace %q (see 'kubectl stella bookmark list %s')",
			o.ToBookmark, f.Release, f.Namespace, f.Release)
	case o.Revision > 0:
		rule := fmt.Sprintf("--revision %d", o.Revision)
		if o.Revision == from.Version {
			return Target{}, "", exit.Refusal("revision %d is the current revision of %q", o.Revision, f.Release)
		}
		if inHistory(o.Revision) {
			return Target{Revision: o.Revision}, rule, nil
		}
		if b, ok := newestBookmark(f.Bookmarks, func(b bookmark.Summary) bool { return b.Revision == o.Revision }); ok {
			return fromBookmark(b), rule + " (pruned from Helm's history: restored from bookmark " + b.Name + ")", nil
		}
		return Target{}, "", exit.Refusal("revision %d of %q is neither in Helm's history (%s) nor in any bookmark",
			o.Revision, f.Release, versions(f.Revisions))
	}
	return o.previous(f, from, inHistory, fromBookmark)
}

// previous is the default target: the newest deployed or superseded
// revision before the current one, in Helm's history or, when pruned from
// it, in a bookmark taken while it was deployed or superseded.
func (o *Options) previous(f Facts, from helmx.Revision, inHistory func(int) bool, fromBookmark func(bookmark.Summary) Target) (Target, string, error) {
	rule := fmt.Sprintf("default: the newest deployed or superseded revision before %d, as helm rollback", from.Version)
	// an interrupted rollback (pending-rollback, being recovered) was
	// replacing the revision right before it: never its target
	limit := from.Version
	if from.Status == "pending-rollback" {
		limit--
		rule += fmt.Sprintf(" (revision %d excluded: the interrupted rollback was replacing it)", limit)
	}
	var before []helmx.Revision
	for _, r := range f.Revisions {
		if r.Version < limit {
			before = append(before, r)
		}
	}
	best, inHelm := helmx.Latest(before, "deployed", "superseded")
	healthy := func(b bookmark.Summary) bool {
		return b.Revision < limit && !inHistory(b.Revision) && (b.Status == "deployed" || b.Status == "superseded") &&
			(!inHelm || b.Revision > best.Version)
	}
	if b, ok := newestRevisionBookmark(f.Bookmarks, healthy); ok {
		return fromBookmark(b), rule + fmt.Sprintf(" (revision %d, pruned from Helm's history: restored from bookmark %s)", b.Revision, b.Name), nil
	}
	if inHelm {
		if id, bad := f.RolledBack[best.Version]; bad {
			return Target{}, "", rolledBackRefusal(f, from, best.Version, id)
		}
		return Target{Revision: best.Version}, rule, nil
	}
	return Target{}, "", exit.Refusal("release %q has no deployed or superseded revision before %d in Helm's history or in a bookmark: nothing to roll back to",
		f.Release, from.Version)
}

// rolledBackRefusal refuses the default target when it is the revision a
// promote already judged unhealthy and rolled back: helm rollback would
// re-deploy it; at 3 a.m. that is never what "roll back" means.
func rolledBackRefusal(f Facts, from helmx.Revision, bad int, id string) error {
	hint := "name a target with --revision N or --to-bookmark NAME"
	var older []int
	for _, r := range f.Revisions {
		if _, rb := f.RolledBack[r.Version]; r.Version < bad && !rb && (r.Status == "deployed" || r.Status == "superseded") {
			older = append(older, r.Version)
		}
	}
	if len(older) > 0 {
		hint = fmt.Sprintf("to go further back, name the target: --revision %d (or --to-bookmark NAME)", older[len(older)-1])
	}
	return exit.Refusal("the revision before %d of %q is %d, which promote rolled back as unhealthy (journal %s): a default rollback would re-deploy it; %s",
		from.Version, f.Release, bad, id, hint)
}

// newestRevisionBookmark is the bookmark of the highest revision keep
// accepts (the newest-created among that revision's).
func newestRevisionBookmark(bs []bookmark.Summary, keep func(bookmark.Summary) bool) (bookmark.Summary, bool) {
	var best bookmark.Summary
	found := false
	for _, b := range bs { // oldest first: a later one of the same revision wins
		if keep(b) && (!found || b.Revision >= best.Revision) {
			best, found = b, true
		}
	}
	return best, found
}

func newestBookmark(bs []bookmark.Summary, keep func(bookmark.Summary) bool) (bookmark.Summary, bool) {
	for i := len(bs) - 1; i >= 0; i-- {
		if keep(bs[i]) {
			return bs[i], true
		}
	}
	return bookmark.Summary{}, false
}

func versions(revs []helmx.Revision) string {
	if len(revs) == 0 {
		return "empty"
	}
	var s []string
	for _, r := range revs {
		s = append(s, fmt.Sprintf("%d %s", r.Version, r.Status))
	}
	return strings.Join(s, ", ")
}
