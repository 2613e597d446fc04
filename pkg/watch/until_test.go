package watch

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/health"
)

// script returns an Evaluate that plays states in order, repeating the last.
func script(states ...health.State) (Evaluate, *int) {
	n := 0
	return func(time.Time) (health.State, string) {
		i := n
		if i >= len(states) {
			i = len(states) - 1
		}
		n++
		return states[i], string(states[i])
	}, &n
}

func TestUntil(t *testing.T) {
	cases := []struct {
		name    string
		states  []health.State
		opts    Options
		want    Outcome
		maxWait time.Duration
	}{
		{"healthy at once without a window", []health.State{health.Healthy}, Options{Timeout: time.Second}, Healthy, 100 * time.Millisecond},
		{"failure is returned at once", []health.State{health.Progressing, health.Failed}, Options{Timeout: 10 * time.Second, Tick: 5 * time.Millisecond}, Failed, 200 * time.Millisecond},
		{"progressing times out", []health.State{health.Progressing}, Options{Timeout: 100 * time.Millisecond, Tick: 10 * time.Millisecond}, TimedOut, 400 * time.Millisecond},
		{"healthy must hold the window", []health.State{health.Healthy}, Options{Timeout: 5 * time.Second, StableFor: 150 * time.Millisecond, Tick: 10 * time.Millisecond}, Healthy, 400 * time.Millisecond},
		{"a failure inside the window wins", []health.State{health.Healthy, health.Healthy, health.Failed}, Options{Timeout: 5 * time.Second, StableFor: time.Hour, Tick: 10 * time.Millisecond}, Failed, 400 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eval, _ := script(c.states...)
			t0 := time.Now()
			got, err := Until(context.Background(), c.opts, nil, nil, eval)
			if err != nil || got != c.want {
				t.Fatalf("Until = %q, %v; want %q", got, err, c.want)
			}
			if d := time.Since(t0); d > c.maxWait {
				t.Fatalf("took %s, want ≤ %s", d, c.maxWait)
			}
		})
	}
}

func TestUntilWindowRestartsAfterProgress(t *testing.T) {
	var snaps []Snapshot
	eval, n := script(health.Healthy, health.Healthy, health.Progressing, health.Healthy)
	o := Options{Timeout: 5 * time.Second, StableFor: 100 * time.Millisecond, Tick: 20 * time.Millisecond,
		Progress: func(s Snapshot) { snaps = append(snaps, s) }}
	if got, err := Until(context.Background(), o, nil, nil, eval); got != Healthy || err != nil {
		t.Fatalf("Until = %q, %v", got, err)
	}
	if snaps[2].State != health.Progressing || snaps[2].HealthyFor != 0 || snaps[3].HealthyFor != 0 {
		t.Fatalf("the window must restart after a non-healthy verdict: %+v", snaps[:4])
	}
	if last := snaps[len(snaps)-1]; last.HealthyFor < 100*time.Millisecond || *n < 5 {
		t.Fatalf("ended before the window held: %+v after %d evaluations", last, *n)
	}
}

func TestUntilWakesOnChange(t *testing.T) {
	changed := make(chan struct{}, 1)
	eval, _ := script(health.Progressing, health.Healthy)
	changed <- struct{}{}
	t0 := time.Now()
	got, err := Until(context.Background(), Options{Tick: time.Hour}, changed, nil, eval)
	if got != Healthy || err != nil || time.Since(t0) > 100*time.Millisecond {
		t.Fatalf("a change must trigger evaluation: %q %v after %s", got, err, time.Since(t0))
	}
}

func TestUntilErrors(t *testing.T) {
	errs := make(chan error, 1)
	errs <- errors.New("watch pods: forbidden")
	eval, _ := script(health.Progressing)
	if _, err := Until(context.Background(), Options{Tick: time.Hour}, nil, errs, eval); err == nil || err.Error() != "watch pods: forbidden" {
		t.Fatalf("a watch error must end the wait: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Until(ctx, Options{Tick: time.Hour}, nil, nil, eval); !errors.Is(err, context.Canceled) {
		t.Fatalf("ctx end: %v", err)
	}
}
