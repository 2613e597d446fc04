package promote

import (
	"context"
	"fmt"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"
	"helm.sh/helm/v3/pkg/release"

	"github.com/stella-ops/stella-plugins/pkg/helmlog"
)

// values merges the -f files as helm does.
func (p *Promote) values() (map[string]any, error) {
	v, err := (&values.Options{ValueFiles: p.ValuesFiles}).MergeValues(getter.Providers{})
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	return v, nil
}

// upgrade installs (first install) or upgrades through the Helm SDK,
// without --atomic and without Helm's wait: verify waits instead. It runs
// on a context that an interrupt does not cancel, so Helm never leaves the
// release pending because of us; the caller sees the interrupt afterwards.
func (p *Promote) upgrade(ctx context.Context, st *state) (*release.Release, error) {
	ch, err := loader.Load(p.Chart)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", p.Chart, err)
	}
	vals, err := p.values()
	if err != nil {
		return nil, err
	}
	// The context must never end, not even after Run returned: Helm's
	// RunWithContext leaves a goroutine that marks the new revision failed
	// in storage when its context ends, racing with its own completion
	// (seen in-process: a healthy revision stored as failed). Timeout bounds it.
	hctx := context.WithoutCancel(ctx)
	return p.captured(func() (*release.Release, error) {
		if st.first {
			in := action.NewInstall(p.cfg.Helm)
			in.ReleaseName, in.Namespace, in.Timeout = p.Release, p.cfg.Namespace, p.Timeout
			return in.RunWithContext(hctx, ch, vals)
		}
		up := action.NewUpgrade(p.cfg.Helm)
		up.Namespace, up.Timeout, up.MaxHistory = p.cfg.Namespace, p.Timeout, p.MaxHistory
		return up.RunWithContext(hctx, p.Release, ch, vals)
	})
}

// captured runs a Helm SDK render/apply, printing what the SDK logged
// (coalesce conflicts) once each as "warning:" lines on progress.
func (p *Promote) captured(fn func() (*release.Release, error)) (*release.Release, error) {
	var rel *release.Release
	logged, err := helmlog.Capture(func() error {
		var err error
		rel, err = fn()
		return err
	})
	for _, l := range logged {
		p.progressf("warning: helm: %s", l)
	}
	return rel, err
}

// dryRun renders the upgrade (or install) without applying it.
func (p *Promote) dryRun(ctx context.Context, st *state) (*release.Release, error) {
	ch, err := loader.Load(p.Chart)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", p.Chart, err)
	}
	vals, err := p.values()
	if err != nil {
		return nil, err
	}
	return p.captured(func() (*release.Release, error) {
		if st.first {
			in := action.NewInstall(p.cfg.Helm)
			in.ReleaseName, in.Namespace, in.DryRun, in.ClientOnly = p.Release, p.cfg.Namespace, true, true
			return in.RunWithContext(ctx, ch, vals)
		}
		up := action.NewUpgrade(p.cfg.Helm)
		up.Namespace, up.DryRun = p.cfg.Namespace, true
		return up.RunWithContext(ctx, p.Release, ch, vals)
	})
}

// markFailed records a failed revision left in place (--no-rollback, or a
// first install) as failed in Helm's storage, as `helm upgrade --wait` does
// when its wait fails: `helm history` and the next operation then see the
// truth instead of a deployed revision that never became healthy.
func (p *Promote) markFailed(revision int, why error) error {
	rel, err := p.cfg.Helm.Releases.Get(p.Release, revision)
	if err != nil {
		return fmt.Errorf("read revision %d: %w", revision, err)
	}
	if rel.Info.Status != release.StatusDeployed {
		return nil
	}
	rel.SetStatus(release.StatusFailed, fmt.Sprintf("stella promote failed: %v", why))
	if err := p.cfg.Helm.Releases.Update(rel); err != nil {
		return fmt.Errorf("mark revision %d failed: %w", revision, err)
	}
	return nil
}
