package smoke

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// maxBackoff caps the wait between two attempts of a check.
const maxBackoff = 10 * time.Second

// outcome is one attempt's verdict: an empty Reason passes.
type outcome struct {
	Reason string
	Logs   string
}

type runner struct {
	op       *Smoke
	vars     Vars
	parallel int
	targets  resolver
	mu       sync.Mutex
	onResult func(Result)
}

// run runs steps, at most r.parallel at once, all within overall. Results
// keep the suite's order; timedOut reports that overall ended the run.
func (r *runner) run(ctx context.Context, steps []step, overall time.Duration) ([]Result, bool) {
	octx, cancel := context.WithTimeout(ctx, overall)
	defer cancel()
	results := make([]Result, len(steps))
	sem := make(chan struct{}, r.parallel)
	var wg sync.WaitGroup
	for i := range steps {
		select {
		case sem <- struct{}{}:
		case <-octx.Done():
		}
		if octx.Err() != nil {
			results[i] = Result{Name: steps[i].Name, Kind: steps[i].Kind, Status: Fail, TimedOut: true, Reason: "not run: " + stopped(octx, overall)}
			r.report(results[i])
			continue
		}
		wg.Add(1)
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			results[i] = r.check(octx, &steps[i], overall)
			r.report(results[i])
		}(i)
	}
	wg.Wait()
	return results, errors.Is(octx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
}

func (r *runner) report(res Result) {
	if r.onResult == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.onResult(res)
}

// check runs one step's attempts within its own timeout, backing off
// (doubling from st.Backoff, capped) between attempts.
func (r *runner) check(octx context.Context, st *step, overall time.Duration) Result {
	t0 := time.Now()
	ctx, cancel := context.WithTimeout(octx, st.Timeout)
	defer cancel()
	res := Result{Name: st.Name, Kind: st.Kind, Status: Fail}
	backoff := st.Backoff
	for {
		res.Attempts++
		o := r.attempt(ctx, st, res.Attempts > 1)
		res.DurationMS = time.Since(t0).Milliseconds()
		switch {
		case o.Reason == "":
			res.Status, res.Reason, res.Logs = Pass, "", ""
			return res
		case octx.Err() != nil:
			res.TimedOut = true
			res.Reason, res.Logs = fmt.Sprintf("%s (attempt %d: %s)", stopped(octx, overall), res.Attempts, o.Reason), o.Logs
			return res
		case ctx.Err() != nil:
			res.TimedOut = true
			res.Reason, res.Logs = fmt.Sprintf("timed out after %s (attempt %d: %s)", st.Timeout, res.Attempts, o.Reason), o.Logs
			return res
		case res.Attempts > st.Retries:
			res.Reason, res.Logs = o.Reason, o.Logs
			if res.Attempts > 1 {
				res.Reason = fmt.Sprintf("%s (after %d attempts)", o.Reason, res.Attempts)
			}
			return res
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

func (r *runner) attempt(ctx context.Context, st *step, retry bool) outcome {
	ns := r.vars.Namespace
	switch st.Kind {
	case KindHTTP:
		return r.op.httpAttempt(ctx, ns, st.HTTP, &r.targets, retry)
	case KindEndpoints:
		return r.op.endpointsAttempt(ctx, r.vars.Release, ns, st.Endpoints)
	case KindHelmTests:
		return r.op.helmTestsAttempt(ctx, r.vars.Release, st.HelmTests)
	case KindJob:
		return r.op.jobAttempt(ctx, ns, st.Job)
	}
	return outcome{Reason: "unknown check kind " + st.Kind}
}

func stopped(ctx context.Context, overall time.Duration) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("overall timeout %s reached", overall)
	}
	return "interrupted"
}
