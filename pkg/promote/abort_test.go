package promote

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A second interrupt (Abort) stops waiting for the rollback; without it the
// rollback's own result comes back.
func TestAbortableRollback(t *testing.T) {
	slow := func(ctx context.Context, _ int) (time.Duration, error) {
		select {
		case <-time.After(5 * time.Second):
			return 5 * time.Second, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	abort, cancel := context.WithCancel(context.Background())
	p := &Promote{Abort: abort, rollbackFn: slow}
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := p.abortableRollback(context.Background(), 3)
	if !errors.Is(err, errAborted) || time.Since(start) > 2*time.Second {
		t.Fatalf("aborted rollback: err %v after %s", err, time.Since(start))
	}

	// a first interrupt (ctx cancelled) does not stop the rollback
	ctx, cancelCtx := context.WithCancel(context.Background())
	cancelCtx()
	quick := func(ctx context.Context, rev int) (time.Duration, error) {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return time.Millisecond, nil
	}
	p = &Promote{rollbackFn: quick}
	if _, err := p.abortableRollback(ctx, 3); err != nil {
		t.Fatalf("rollback after a first interrupt: %v", err)
	}
}
