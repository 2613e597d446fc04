package guard

import (
	"context"
	"errors"
	"fmt"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/lock"
)

// Facts are what the classification of one guarded change reads.
type Facts struct {
	// Operation names the change in messages ("promote", "safe-rollback").
	Operation string
	// Refused is the error of a lock that was not acquired: nothing changed.
	Refused error
	// Err is the change's error; nil when it succeeded.
	Err error
	// Applied reports that the change was applied before it failed (its
	// verification failed), so a completed rollback undid it.
	Applied bool
	// Interrupted: the caller's context was cancelled (a first interrupt).
	Interrupted bool
	// LockLost: the lock was lost while the change ran (the change was cancelled).
	LockLost bool
	// RolledBack: the automatic rollback after Err completed.
	RolledBack bool
	// RollbackErr is the automatic rollback's error (ErrAborted when a
	// second interrupt stopped waiting for it).
	RollbackErr error
	// Journal is the error of the final journal update, if it failed.
	Journal error
}

// Classify maps the facts of a guarded change to its outcome and the error
// the command exits with (nil on success). It is the one classification of
// promote and safe-rollback.
func Classify(f Facts) (journal.Outcome, error) {
	o, err := classify(f)
	if f.Journal != nil && err == nil && f.Refused == nil {
		err = fmt.Errorf("%s: journal: %w", f.Operation, f.Journal)
	}
	return o, err
}

func classify(f Facts) (journal.Outcome, error) {
	switch {
	case f.Refused != nil:
		return journal.Refused, f.Refused
	case f.RollbackErr != nil:
		return rollbackFailed(f)
	case f.Err == nil:
		return journal.Succeeded, nil
	case f.RolledBack && f.Interrupted:
		return journal.Interrupted, f.Err
	case f.RolledBack && f.Applied:
		return journal.RolledBack, f.Err
	case f.RolledBack:
		return journal.Failed, f.Err
	case f.Interrupted:
		return journal.Interrupted, exit.WithCode(exit.Operational,
			fmt.Errorf("interrupted: %w; see the journal and helm history", f.Err))
	case f.LockLost:
		return journal.Failed, exit.WithCode(exit.Operational,
			fmt.Errorf("lock lost during the %s: %w", f.Operation, lockLost(f.Err)))
	case kube.Transient(f.Err): // the API went away mid-change: the release's state is unknown
		return journal.Unknown, f.Err
	case exit.CodeOf(f.Err) == exit.Timeout:
		return journal.Failed, f.Err
	case errors.Is(f.Err, context.DeadlineExceeded):
		return journal.Failed, exit.TimedOut("timed out: %v", f.Err)
	}
	return journal.Failed, f.Err
}

// rollbackFailed: the automatic rollback did not finish. Aborted by a
// second interrupt = interrupted; the API gone = unknown; else failed.
func rollbackFailed(f Facts) (journal.Outcome, error) {
	err := exit.WithCode(exit.Operational, fmt.Errorf("%w; %w", f.Err, f.RollbackErr))
	switch {
	case errors.Is(f.RollbackErr, ErrAborted):
		return journal.Interrupted, err
	case kube.Transient(f.RollbackErr):
		return journal.Unknown, err
	}
	return journal.Failed, err
}

// lockLost is err when it already says the lock was lost, else lock.ErrLost.
func lockLost(err error) error {
	if errors.Is(err, lock.ErrLost) {
		return err
	}
	return lock.ErrLost
}
