package watch

import (
	"context"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/health"
)

// Outcome is how a wait ended.
type Outcome string

// The outcomes of Until.
const (
	Healthy  Outcome = "healthy" // healthy, held for the stable window
	Failed   Outcome = "failed"  // failure is certain (fail fast)
	TimedOut Outcome = "timeout" // the timeout passed first
)

// Snapshot is one progress report.
type Snapshot struct {
	State      health.State
	Summary    string
	Elapsed    time.Duration
	HealthyFor time.Duration // how long the verdict has been Healthy so far
}

// Options bound a wait.
type Options struct {
	Timeout   time.Duration // 0: until ctx ends
	StableFor time.Duration // healthy must hold this long
	// Tick re-evaluates without events, for time-based rules and the end of
	// the stable window (no API requests: the evaluation reads caches).
	Tick     time.Duration
	Progress func(Snapshot)   // called after every evaluation; nil ignores
	Clock    func() time.Time // default time.Now
}

// Evaluate computes the verdict of the current state and a one-line summary.
type Evaluate func(now time.Time) (health.State, string)

// Until re-evaluates on every change (and every Tick) until the verdict is
// certain: Failed at once, Healthy once it has held for StableFor, TimedOut
// at the timeout. A value on errs (a refused watch) or ctx's end is returned
// as an error.
func Until(ctx context.Context, o Options, changed <-chan struct{}, errs <-chan error, eval Evaluate) (Outcome, error) {
	clock := o.Clock
	if clock == nil {
		clock = time.Now
	}
	tick := o.Tick
	if tick <= 0 {
		tick = 500 * time.Millisecond
	}
	var deadline <-chan time.Time
	if o.Timeout > 0 {
		t := time.NewTimer(o.Timeout)
		defer t.Stop()
		deadline = t.C
	}
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	start := clock()
	var healthySince time.Time
	for {
		now := clock()
		state, summary := eval(now)
		snap := Snapshot{State: state, Summary: summary, Elapsed: now.Sub(start)}
		if state == health.Healthy {
			if healthySince.IsZero() {
				healthySince = now
			}
			snap.HealthyFor = now.Sub(healthySince)
		} else {
			healthySince = time.Time{}
		}
		if o.Progress != nil {
			o.Progress(snap)
		}
		switch {
		case state == health.Failed:
			return Failed, nil
		case state == health.Healthy && snap.HealthyFor >= o.StableFor:
			return Healthy, nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-deadline:
			return TimedOut, nil
		case err := <-errs:
			return "", err
		case <-changed:
		case <-ticker.C:
		}
	}
}
