package guard

import (
	"context"
	"errors"
	"fmt"
	"time"

	"helm.sh/helm/v3/pkg/action"
)

// RollbackBudget bounds the automatic rollback, which runs even after an
// interrupt.
const RollbackBudget = 2 * time.Minute

// ErrAborted is the automatic rollback's error when a second interrupt
// stopped waiting for it.
var ErrAborted = errors.New("rollback aborted by a second interrupt")

// HelmRollback rolls release back to revision through the Helm SDK: a new
// revision with that revision's chart and values; it never uninstalls.
// force replaces objects instead of patching them (helm rollback --force).
func HelmRollback(cfg *action.Configuration, release string, revision int, timeout time.Duration, force bool, maxHistory int) error {
	rb := action.NewRollback(cfg)
	rb.Version, rb.Timeout, rb.Force, rb.MaxHistory = revision, timeout, force, maxHistory
	return rb.Run(release)
}

// abortableRollback rolls back on a context no first interrupt cancels,
// bounded by RollbackBudget; a cancelled Abort stops waiting for it (the
// Helm SDK's rollback takes no context, so it may still be applying).
func (g *Guard) abortableRollback(ctx context.Context, revision int) (time.Duration, error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), RollbackBudget)
	defer cancel()
	run := g.rollbackFn
	if run == nil {
		run = g.helmRollback
	}
	abort := g.Abort
	if abort == nil {
		abort = context.Background()
	}
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- run(rctx, revision) }()
	select {
	case err := <-done:
		return time.Since(start), err
	case <-abort.Done():
		return time.Since(start), ErrAborted
	}
}

// helmRollback is the automatic rollback: Helm's, within ctx's deadline.
func (g *Guard) helmRollback(ctx context.Context, revision int) error {
	timeout := RollbackBudget
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
	}
	return HelmRollback(g.cfg.Helm, g.Release, revision, timeout, false, g.MaxHistory)
}

// rollbackError says what to run next when the automatic rollback did not
// finish (nil when it did).
func (g *Guard) rollbackError(u Undo, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrAborted):
		return fmt.Errorf("rollback to revision %d: %w: if the release is pending-rollback, run helm stella safe-rollback %s --recover --namespace %s",
			u.Revision, err, g.Release, g.cfg.Namespace)
	}
	next := fmt.Sprintf("once the API server answers, run: helm stella safe-rollback %s --namespace %s", g.Release, g.cfg.Namespace)
	if u.Bookmark != "" {
		next += " --to-bookmark " + u.Bookmark
	}
	return fmt.Errorf("rollback to revision %d failed: %w; %s", u.Revision, err, next)
}
