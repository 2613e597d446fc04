package promote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/guard"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/smoke"
	"github.com/stella-ops/stella-plugins/pkg/verify"
)

// GateResult is the production gate's verdict on the staging release.
type GateResult struct {
	Stage    string   `json:"stage"` // context/namespace/release
	Passed   bool     `json:"passed"`
	Reasons  []string `json:"reasons,omitempty"` // why it refused
	Revision int      `json:"revision,omitempty"`
	Promoted string   `json:"promoted,omitempty"` // the last journaled promote's ID
	Since    string   `json:"unchangedFor,omitempty"`
}

// GateInput is what the gate reads from the staging cluster.
type GateInput struct {
	Health   *verify.Result // verify-pods of the staging release with our manifest's pins
	Last     *journal.Entry // its last journaled promote (nil: none)
	Current  helmx.Revision // its deployed revision
	Deployed bool           // a deployed revision exists
	Version  string         // the manifest version being promoted
	Soak     time.Duration  // required unchanged-and-healthy time
	Now      time.Time
}

// Gate decides, purely, whether production may get what staging runs.
func Gate(in GateInput) GateResult {
	var why []string
	g := GateResult{Revision: in.Current.Version}
	switch {
	case !in.Deployed:
		why = append(why, "no deployed revision")
	case in.Health == nil || !in.Health.Healthy():
		msg := "not healthy"
		if in.Health != nil {
			msg = "not healthy or other digests: " + in.Health.Message
		}
		why = append(why, msg)
	}
	if in.Last == nil {
		why = append(why, "no journaled promote")
	} else {
		g.Promoted = in.Last.ID
		why = append(why, lastPromote(in)...)
	}
	if in.Last != nil && in.Deployed {
		since := unchangedSince(in.Last, in.Current)
		g.Since = in.Now.Sub(since).Round(time.Second).String()
		if in.Soak > 0 && in.Now.Sub(since) < in.Soak {
			why = append(why, fmt.Sprintf("unchanged for %s, --soak needs %s", g.Since, in.Soak))
		}
	}
	g.Reasons, g.Passed = why, len(why) == 0
	return g
}

func lastPromote(in GateInput) []string {
	var why []string
	e := in.Last
	if e.Outcome != journal.Succeeded {
		why = append(why, fmt.Sprintf("last promote %s was %s", e.ID, e.Outcome))
	}
	var s smoke.Summary
	if len(e.Smoke) == 0 || json.Unmarshal(e.Smoke, &s) != nil || !s.OK() {
		why = append(why, fmt.Sprintf("last promote %s has no passed smoke run", e.ID))
	}
	if e.Manifest.Version != in.Version {
		why = append(why, fmt.Sprintf("last promote %s deployed %s, not %s", e.ID, e.Manifest.Version, in.Version))
	}
	if in.Deployed && e.To.Revision != in.Current.Version {
		why = append(why, fmt.Sprintf("changed since the last promote (revision %d, promoted %d)", in.Current.Version, e.To.Revision))
	}
	return why
}

// unchangedSince is the later of the promote's end and the last deploy.
func unchangedSince(e *journal.Entry, cur helmx.Revision) time.Time {
	t := e.End
	for _, c := range []time.Time{cur.ModifiedAt, cur.CreatedAt} {
		if c.After(t) {
			t = c
		}
	}
	return t
}

// gate reads the staging release and refuses (exit 5) unless Gate passes.
func (p *Promote) gate(ctx context.Context, st *state) (*GateResult, error) {
	sc := p.Stage
	name := fmt.Sprintf("%s/%s/%s", sc.Context, sc.Namespace, p.StageRelease)
	in := GateInput{Version: st.manifest.Version, Soak: p.Soak, Now: p.Now()}
	revs, err := helmx.New(sc).Revisions(ctx, p.StageRelease)
	if err != nil && !errors.Is(err, helmx.ErrNotFound) {
		return nil, fmt.Errorf("gate %s: %w", name, err)
	}
	in.Current, in.Deployed = helmx.Current(revs)
	v := verify.New(sc)
	v.Options = verify.Options{Release: p.StageRelease, Namespace: sc.Namespace, ReleaseManifest: st.manifestPath}
	if in.Health, err = v.Run(ctx); err != nil {
		return nil, fmt.Errorf("gate %s: %w", name, err)
	}
	es, err := guard.Entries(ctx, sc, p.StageRelease)
	if err != nil {
		return nil, fmt.Errorf("gate %s: %w", name, err)
	}
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].Operation == journal.Promote && es[i].Outcome.Final() {
			in.Last = &es[i]
			break
		}
	}
	g := Gate(in)
	g.Stage = name
	if !g.Passed {
		return &g, exit.Refusal("gate: staging %s refused: %s", name, strings.Join(g.Reasons, "; "))
	}
	p.progressf("gate: staging %s runs %s, healthy, promote %s passed smoke", name, st.manifest.Version, g.Promoted)
	return &g, nil
}
