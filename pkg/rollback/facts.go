package rollback

import (
	"context"
	"fmt"

	"helm.sh/helm/v3/pkg/release"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/guard"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/pkg/plan"
)

// validate rejects bad input before anything is read (exit 4).
func (o *Options) validate() error {
	switch {
	case o.Release == "":
		return exit.InvalidInput("RELEASE is required")
	case o.ToBookmark != "" && o.Revision != 0:
		return exit.InvalidInput("flags --to-bookmark and --revision are mutually exclusive")
	case o.Revision < 0:
		return exit.InvalidInput("flag --revision: must be a positive revision number")
	case o.Timeout <= 0:
		return exit.InvalidInput("flag --timeout: must be positive")
	case o.StaleAfter < 0:
		return exit.InvalidInput("flag --stale-after: must not be negative")
	case o.MaxHistory < 0:
		return exit.InvalidInput("flag --history-max: must not be negative, got %d", o.MaxHistory)
	case o.Channel != "" && o.Config == "":
		return exit.InvalidInput("flag --channel needs --config (the channels file)")
	case o.JournalRetention.Keep != nil && *o.JournalRetention.Keep < 0:
		return exit.InvalidInput("flag --journal-keep: must be 0 (keep all) or more, got %d", *o.JournalRetention.Keep)
	}
	return lock.ValidDuration(o.LockTimeout)
}

// facts reads what Decide needs: revision metadata, bookmark summaries,
// the lock, and when the pending revision (if any) started.
func (r *Rollback) facts(ctx context.Context, store *helmx.Store) (Facts, error) {
	f := Facts{Release: r.Release, Namespace: r.cfg.Namespace, Now: r.now()}
	var err error
	if f.Revisions, err = store.Revisions(ctx, r.Release); err != nil {
		return f, fmt.Errorf("read history of %q: %w", r.Release, err)
	}
	r.revisions = f.Revisions
	if f.Bookmarks, err = bookmark.NewList(r.cfg).Run(ctx, r.Release); err != nil {
		return f, err
	}
	if f.Lock, err = lock.Get(ctx, r.cfg.Typed, r.cfg.Namespace, r.Release); err != nil {
		return f, err
	}
	f.LockHolderGone = f.Lock != nil && lock.HolderGone(*f.Lock)
	if p, ok := helmx.PendingRevision(f.Revisions); ok {
		rel, err := r.release(ctx, store, p.Version)
		if err != nil {
			return f, err
		}
		f.PendingSince = p.CreatedAt
		if rel.Info != nil && !rel.Info.LastDeployed.IsZero() {
			f.PendingSince = rel.Info.LastDeployed.Time
		}
	}
	_, pending := helmx.PendingRevision(f.Revisions)
	es, err := guard.Entries(ctx, r.cfg, r.Release)
	switch {
	case err != nil && (pending || !apierrors.IsForbidden(err)):
		return f, fmt.Errorf("read journal: %w", err)
	case err != nil: // a read-only caller: no journal facts, as before
		return f, nil
	}
	f.RolledBack = rolledBack(es)
	if pending {
		f.PendingBy = inFlight(es)
	}
	return f, nil
}

// inFlight is the newest journal entry still in progress, if any.
func inFlight(es []journal.Entry) *journal.Entry {
	var newest *journal.Entry
	for i := range es {
		if es[i].Outcome == journal.InProgress && (newest == nil || es[i].Start.After(newest.Start)) {
			newest = &es[i]
		}
	}
	return newest
}

// rolledBack maps each revision a promote rolled back to its entry.
func rolledBack(es []journal.Entry) map[int]string {
	out := map[int]string{}
	for _, e := range es {
		if e.Operation == journal.Promote && e.Outcome == journal.RolledBack && e.To.Revision > 0 {
			out[e.To.Revision] = e.ID
		}
	}
	return out
}

func (r *Rollback) release(ctx context.Context, store *helmx.Store, version int) (*release.Release, error) {
	rec, err := store.Get(ctx, r.Release, version)
	if err != nil {
		return nil, err
	}
	return rec.Release()
}

// sides reads the from and target releases (the target from its bookmark
// when it has one: the bookmark is what the operator chose).
func (r *Rollback) sides(ctx context.Context, store *helmx.Store, d *Decision) (from, to *release.Release, b *bookmark.Bookmark, err error) {
	if from, err = r.release(ctx, store, d.From.Version); err != nil {
		return nil, nil, nil, err
	}
	if d.Target.Bookmark == "" {
		to, err = r.release(ctx, store, d.Target.Revision)
		return from, to, nil, err
	}
	if b, err = bookmark.NewShow(r.cfg).Run(ctx, d.Target.Bookmark); err != nil {
		return nil, nil, nil, err
	}
	to, err = b.Release()
	return from, to, b, err
}

// Input converts a release into a plan side (pure).
func Input(rel *release.Release) plan.Input {
	in := plan.Input{Revision: rel.Version, Manifest: rel.Manifest, Values: rel.Config}
	if rel.Chart != nil && rel.Chart.Metadata != nil {
		in.Chart, in.ChartVersion, in.AppVersion = rel.Chart.Metadata.Name, rel.Chart.Metadata.Version, rel.Chart.Metadata.AppVersion
	}
	return in
}

// CRDWarning names a CRD difference between the charts (pure): Helm never
// rolls CRDs back, so the cluster keeps the current chart's.
func CRDWarning(from, to *release.Release) string {
	crds := func(rel *release.Release) map[string]string {
		m := map[string]string{}
		if rel.Chart != nil {
			for _, c := range rel.Chart.CRDObjects() {
				m[c.Filename] = string(c.File.Data)
			}
		}
		return m
	}
	f, t := crds(from), crds(to)
	for name, data := range t {
		if f[name] != data {
			return "the target chart's CRDs differ from the current chart's (" + name + "): Helm does not roll CRDs back; the current CRDs stay"
		}
	}
	for name := range f {
		if _, ok := t[name]; !ok {
			return "the current chart has CRDs the target's lacks (" + name + "): Helm does not roll CRDs back; they stay"
		}
	}
	return ""
}

// pins are the digests verification expects and their source (pure): the
// target's pinned refs, from its stored manifest (the bookmark's payload
// when the target is a bookmark); for a bookmark whose manifest pins
// nothing, the digests its pods ran when it was taken, if its pod table is
// live (taken of the revision then running).
func pins(p plan.Plan, b *bookmark.Bookmark) expected {
	d, src := pinsOf(p, b)
	return expected{digests: d, source: src}
}

// expected are the digests verification expects, with their source.
type expected struct {
	digests map[string]string
	source  string
}

func pinsOf(p plan.Plan, b *bookmark.Bookmark) (map[string]string, string) {
	out := map[string]string{}
	for _, i := range p.Images {
		if i.ToDigest != "" {
			out[lastSegment(i.Workload)] = i.ToDigest
		}
	}
	source := fmt.Sprintf("revision %d's manifest", p.To.Revision)
	if b == nil {
		return out, source
	}
	source = fmt.Sprintf("bookmark %s (revision %d's manifest)", b.Name, b.Revision)
	if len(out) > 0 || !b.PodsLive {
		return out, source
	}
	for _, pod := range b.Pods {
		for _, c := range pod.Containers {
			if c.Digest != "" && !c.Init {
				out[c.Name] = c.Digest
			}
		}
	}
	return out, fmt.Sprintf("bookmark %s (its pods at bookmark time)", b.Name)
}

func lastSegment(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return s[i+1:]
		}
	}
	return s
}
