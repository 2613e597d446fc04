package cli

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/stella-ops/stella-plugins/pkg/health"
)

// UnschedulableGraceFlag binds --unschedulable-grace, the wait option shared
// by verify-pods, promote and safe-rollback, to d (set to the default). A
// value that is not a positive duration is a flag error (exit 4) before
// anything runs.
func UnschedulableGraceFlag(fs *pflag.FlagSet, d *time.Duration) {
	*d = health.DefaultUnschedulableGrace
	fs.Var(positiveDuration{d}, "unschedulable-grace",
		"how long a pod may stay Unschedulable before that is a certain failure, while no autoscaler adds a node for it "+
			"(a TriggeredScaleUp event or a nominated node waits up to --timeout; NotTriggerScaleUp fails at once)")
}

// positiveDuration is a time.Duration flag that refuses zero and negatives.
type positiveDuration struct{ d *time.Duration }

func (p positiveDuration) String() string {
	if p.d == nil {
		return ""
	}
	return p.d.String()
}

func (p positiveDuration) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if d <= 0 {
		return fmt.Errorf("must be positive, got %s", d)
	}
	*p.d = d
	return nil
}

func (positiveDuration) Type() string { return "duration" }
