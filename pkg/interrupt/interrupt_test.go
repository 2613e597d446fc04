package interrupt

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestTwoSignals(t *testing.T) {
	Hold()
	defer held.Store(false)
	ch := make(chan os.Signal, 3)
	exited := make(chan struct{}, 1)
	ctx, abort, stop := watch(context.Background(), ch, func() { exited <- struct{}{} }, func() {})
	defer stop()
	if ctx.Err() != nil || abort.Err() != nil {
		t.Fatal("cancelled before any signal")
	}
	ch <- syscall.SIGINT
	waitDone(t, ctx, "first signal cancels ctx")
	if abort.Err() != nil {
		t.Fatal("first signal must not abort")
	}
	ch <- syscall.SIGTERM
	waitDone(t, abort, "second signal cancels abort")
	ch <- syscall.SIGINT
	select {
	case <-exited:
	case <-time.After(2 * time.Second):
		t.Fatal("third signal must exit")
	}
}

func waitDone(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	select {
	case <-ctx.Done():
	case <-time.After(2 * time.Second):
		t.Fatal(what)
	}
}

// TestReadOnlyExitsOnFirst: a command that never called Hold (read-only:
// align without --fix, verify-pods, bookmark list, journal) exits on the
// first signal.
func TestReadOnlyExitsOnFirst(t *testing.T) {
	ch := make(chan os.Signal, 3)
	exited := make(chan struct{}, 1)
	ctx, _, stop := watch(context.Background(), ch, func() { exited <- struct{}{} }, func() {})
	defer stop()
	ch <- syscall.SIGINT
	select {
	case <-exited:
	case <-time.After(2 * time.Second):
		t.Fatal("first signal must exit a read-only command")
	}
	waitDone(t, ctx, "ctx cancelled too")
}
