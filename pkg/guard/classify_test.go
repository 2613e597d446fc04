package guard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/lock"
)

func TestClassify(t *testing.T) {
	gone := fmt.Errorf("helm rollback: could not get information about the resource: %w",
		&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
	verifyFailed := exit.Failed("deployment/web: CrashLoopBackOff")
	lost := fmt.Errorf("wait interrupted: %w: lease deleted", lock.ErrLost)
	tests := []struct {
		name    string
		f       Facts
		outcome journal.Outcome
		code    exit.Code
	}{
		{"succeeded", Facts{}, journal.Succeeded, exit.OK},
		{"failed, left in place", Facts{Err: verifyFailed, Applied: true}, journal.Failed, exit.CheckFailed},
		{"failed and rolled back", Facts{Err: verifyFailed, Applied: true, RolledBack: true}, journal.RolledBack, exit.CheckFailed},
		{"upgrade failed, rolled back", Facts{Err: exit.WithCode(exit.Operational, errors.New("upgrade")), RolledBack: true}, journal.Failed, exit.Operational},
		{"interrupted, left in place", Facts{Err: context.Canceled, Interrupted: true}, journal.Interrupted, exit.Operational},
		{"interrupted, check failed", Facts{Err: verifyFailed, Interrupted: true}, journal.Interrupted, exit.Operational},
		{"interrupted and rolled back", Facts{Err: verifyFailed, Applied: true, Interrupted: true, RolledBack: true}, journal.Interrupted, exit.CheckFailed},
		{"rollback aborted by a second interrupt", Facts{Err: verifyFailed, Interrupted: true, RollbackErr: fmt.Errorf("rollback: %w", ErrAborted)}, journal.Interrupted, exit.Operational},
		{"rollback failed", Facts{Err: verifyFailed, RollbackErr: errors.New("no revision 3")}, journal.Failed, exit.Operational},
		{"API gone mid-rollback", Facts{Err: verifyFailed, RollbackErr: gone}, journal.Unknown, exit.Operational},
		{"API gone mid-change", Facts{Err: gone}, journal.Unknown, exit.Operational},
		{"verify timed out", Facts{Err: exit.TimedOut("verify"), Applied: true}, journal.Failed, exit.Timeout},
		{"timed out, rolled back", Facts{Err: exit.TimedOut("verify"), Applied: true, RolledBack: true}, journal.RolledBack, exit.Timeout},
		{"helm deadline", Facts{Err: context.DeadlineExceeded}, journal.Failed, exit.Timeout},
		{"refused: lock held", Facts{Refused: exit.Refusal("locked by bob")}, journal.Refused, exit.Refused},
		{"lock lost", Facts{Err: lost, LockLost: true}, journal.Failed, exit.Operational},
		{"lock lost, rolled back", Facts{Err: lost, LockLost: true, Applied: true, RolledBack: true}, journal.RolledBack, exit.Operational},
		{"journal write failed after success", Facts{Journal: errors.New("forbidden")}, journal.Succeeded, exit.Operational},
		{"journal write failed after a failure", Facts{Err: verifyFailed, Journal: errors.New("forbidden")}, journal.Failed, exit.CheckFailed},
		{"journal write refused", Facts{Journal: exit.Refusal("updated concurrently")}, journal.Succeeded, exit.Refused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Operation = "promote"
			o, err := Classify(tt.f)
			if o != tt.outcome || exit.CodeOf(err) != tt.code {
				t.Fatalf("%s, code %d (%v); want %s, code %d", o, exit.CodeOf(err), err, tt.outcome, tt.code)
			}
			if (tt.code == exit.OK) != (err == nil) {
				t.Fatalf("error %v with code %d", err, tt.code)
			}
		})
	}
}

// The error of a lost lock says so and wraps lock.ErrLost; a failed
// rollback's names the recovery and keeps the change's cause first.
func TestClassifyMessages(t *testing.T) {
	_, err := Classify(Facts{Operation: "safe-rollback", Err: context.Canceled, LockLost: true})
	if !errors.Is(err, lock.ErrLost) || err.Error() != "lock lost during the safe-rollback: lock lost" {
		t.Errorf("lock lost: %v", err)
	}
	_, err = Classify(Facts{Operation: "promote", Err: errors.New("pod web-1: ImagePullBackOff"), RollbackErr: errors.New("rollback to revision 3 failed")})
	if err.Error() != "pod web-1: ImagePullBackOff; rollback to revision 3 failed" {
		t.Errorf("rollback failed: %v", err)
	}
	_, err = Classify(Facts{Operation: "promote", Journal: errors.New("forbidden")})
	if err.Error() != "promote: journal: forbidden" {
		t.Errorf("journal: %v", err)
	}
}
