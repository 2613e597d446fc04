package interrupt

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Notify returns ctx, cancelled by the first SIGINT/SIGTERM, and abort,
// cancelled by the second. stop releases the signal handler.
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
				switch n {
				case 1:
					cancel()
				case 2:
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
