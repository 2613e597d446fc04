package journal

import (
	"errors"
	"fmt"
	"reflect"
)

// ErrFinal is wrapped by the error Update returns for an entry that already
// has a final outcome: history is append-only.
var ErrFinal = errors.New("journal entry is final")

// validate checks an entry before it is stored.
func validate(e Entry) error {
	switch {
	case e.Operation != Promote && e.Operation != SafeRollback && e.Operation != Recover:
		return fmt.Errorf("journal entry: unknown operation %q (want promote|safe-rollback|recover)", e.Operation)
	case e.Release == "":
		return errors.New("journal entry: release is empty")
	case len(e.Release) > 53:
		return fmt.Errorf("journal entry: release name %q is longer than Helm's 53 characters", e.Release)
	case !e.Outcome.valid():
		return fmt.Errorf("journal entry: unknown outcome %q", e.Outcome)
	case e.Start.IsZero():
		return errors.New("journal entry: start time is zero")
	case !e.End.IsZero() && e.End.Before(e.Start):
		return fmt.Errorf("journal entry: end %s is before start %s", e.End, e.Start)
	}
	return nil
}

// checkTransition allows the one update an entry may have: from
// in-progress to a final outcome, keeping what identifies the operation
// (id, operation, release, namespace, context, who, start).
func checkTransition(old, new Entry) error {
	if old.Outcome != InProgress {
		return fmt.Errorf("%w: %s is %s; entries are append-only", ErrFinal, old.ID, old.Outcome)
	}
	if !new.Outcome.Final() {
		return fmt.Errorf("journal entry %s: an update must set a final outcome, not %q", old.ID, new.Outcome)
	}
	type key struct {
		ID, Op, Release, Namespace, Context string
		Who                                 any
		Start                               int64
	}
	k := func(e Entry) key {
		return key{e.ID, string(e.Operation), e.Release, e.Namespace, e.Context, e.Who, e.Start.UnixNano()}
	}
	if !reflect.DeepEqual(k(old), k(new)) {
		return fmt.Errorf("journal entry %s: an update may not change id, operation, release, namespace, context, who or start", old.ID)
	}
	return nil
}
