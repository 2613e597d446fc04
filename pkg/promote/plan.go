package promote

import (
	"context"
	"fmt"

	"helm.sh/helm/v3/pkg/release"

	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/plan"
)

// plan renders the upgrade without applying it and computes the shared
// pkg/plan from → to (digests per workload, chart, masked values diff).
func (p *Promote) plan(ctx context.Context, st *state) (*plan.Plan, error) {
	next, err := p.dryRun(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("plan: render: %w", err)
	}
	to := input(next)
	to.Revision = st.current.Version + 1
	var from plan.Input
	if !st.first {
		rec, err := helmx.New(p.cfg).Get(ctx, p.Release, st.current.Version)
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		cur, err := rec.Release()
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		from = input(cur)
	}
	pl := plan.Compute(from, to)
	return &pl, nil
}

func input(r *release.Release) plan.Input {
	in := plan.Input{Revision: r.Version, Manifest: r.Manifest, Values: r.Config}
	if r.Chart != nil && r.Chart.Metadata != nil {
		in.Chart, in.ChartVersion, in.AppVersion = r.Chart.Metadata.Name, r.Chart.Metadata.Version, r.Chart.Metadata.AppVersion
	}
	return in
}
