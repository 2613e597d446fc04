package guard

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A second interrupt (Abort) stops waiting for the rollback; without it the
// rollback's own result comes back, even after a first interrupt.
func TestAbortableRollback(t *testing.T) {
	slow := func(ctx context.Context, _ int) error {
		select {
		case <-time.After(5 * time.Second):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	abort, cancel := context.WithCancel(context.Background())
	g := &Guard{Abort: abort, rollbackFn: slow}
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	if _, err := g.abortableRollback(context.Background(), 3); !errors.Is(err, ErrAborted) || time.Since(start) > 2*time.Second {
		t.Fatalf("aborted rollback: err %v after %s", err, time.Since(start))
	}

	ctx, cancelCtx := context.WithCancel(context.Background())
	cancelCtx()
	quick := func(ctx context.Context, _ int) error { return ctx.Err() }
	g = &Guard{rollbackFn: quick}
	if _, err := g.abortableRollback(ctx, 3); err != nil {
		t.Fatalf("rollback after a first interrupt: %v", err)
	}
}
