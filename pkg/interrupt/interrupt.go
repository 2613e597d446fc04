package interrupt

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// held says the running command changes something: a first signal cancels
// its context (so it can roll back, release a lock, restore files) instead
// of exiting at once.
var held atomic.Bool

// Hold is called by a command that changes something (promote,
// safe-rollback, bookmark, align --fix, …) before it starts: from then on a
// first interrupt cancels ctx instead of exiting. A read-only command never
// calls it, so the first Ctrl-C ends it at once (exit 130).
func Hold() { held.Store(true) }

// Notify returns ctx, cancelled by the first SIGINT/SIGTERM, and abort,
// cancelled by the second. stop releases the signal handler. Unless Hold
// was called, the first signal exits with code 130 at once.
func Notify(parent context.Context) (ctx, abort context.Context, stop func()) {
	ch := make(chan os.Signal, 3)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	return watch(parent, ch, func() { os.Exit(130) }, func() { signal.Stop(ch) })
}

// watch is Notify on any channel of signals, for tests.
func watch(parent context.Context, ch <-chan os.Signal, exit func(), release func()) (context.Context, context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	abort, cancelAbort := context.WithCancel(context.WithoutCancel(parent))
	done := make(chan struct{})
	go func() {
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case <-ch:
				switch {
				case n == 1 && !held.Load():
					cancel()
					exit()
				case n == 1:
					cancel()
				case n == 2:
					cancelAbort()
				default:
					exit()
				}
			}
		}
	}()
	return ctx, abort, func() {
		release()
		close(done)
		cancel()
		cancelAbort()
	}
}
