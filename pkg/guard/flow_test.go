package guard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"helm.sh/helm/v3/pkg/release"
	"k8s.io/apimachinery/pkg/runtime"
	k8stesting "k8s.io/client-go/testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

// flow is one row of the in-process flow table: what the change does, and
// what the guard must have made of it (outcome, exit code, the journal
// entry, Helm's last revision, the lock).
type flow struct {
	name  string
	setup func(t *testing.T, f *fixture, g *Guard)
	// apply is the change; cancel interrupts the run (a first Ctrl-C).
	apply   func(ctx context.Context, f *fixture, cancel context.CancelFunc) (bool, error)
	undo    Undo
	outcome journal.Outcome
	code    exit.Code
	// last is Helm's last revision after the run: version and status.
	last       int
	lastStatus release.Status
	// says is in the returned error.
	says string
}

var connRefused = fmt.Errorf("could not get information about the resource: %w",
	&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})

// upgradeThen creates revision 3 through Helm, then fails with err.
func upgradeThen(err error) func(context.Context, *fixture, context.CancelFunc) (bool, error) {
	return func(ctx context.Context, f *fixture, _ context.CancelFunc) (bool, error) {
		if _, uerr := f.upgrade(ctx, "2.0.0"); uerr != nil {
			return false, uerr
		}
		return true, err
	}
}

func flows() []flow {
	crash := exit.Failed("deployment/web: pod web-1: container web: CrashLoopBackOff (promote: revision 3 failed)")
	return []flow{
		{name: "succeeded", apply: upgradeThen(nil), undo: Undo{Revision: 2},
			outcome: journal.Succeeded, code: exit.OK, last: 3, lastStatus: release.StatusDeployed},
		{name: "failed and rolled back", apply: upgradeThen(crash), undo: Undo{Revision: 2},
			outcome: journal.RolledBack, code: exit.CheckFailed, last: 4, lastStatus: release.StatusDeployed, says: "CrashLoopBackOff"},
		{name: "failed, left in place", apply: upgradeThen(crash),
			outcome: journal.Failed, code: exit.CheckFailed, last: 3, lastStatus: release.StatusDeployed, says: "CrashLoopBackOff"},
		{name: "upgrade failed, rolled back", undo: Undo{Revision: 2},
			apply: func(context.Context, *fixture, context.CancelFunc) (bool, error) {
				return false, exit.WithCode(exit.Operational, errors.New("promote: upgrade: render: boom"))
			},
			outcome: journal.Failed, code: exit.Operational, last: 3, lastStatus: release.StatusDeployed, says: "boom"},
		{name: "timeout, rolled back", apply: upgradeThen(exit.TimedOut("revision 3 not healthy after 1s")), undo: Undo{Revision: 2},
			outcome: journal.RolledBack, code: exit.Timeout, last: 4, lastStatus: release.StatusDeployed},
		{name: "timeout, left in place", apply: upgradeThen(exit.TimedOut("revision 3 not healthy after 1s")),
			outcome: journal.Failed, code: exit.Timeout, last: 3, lastStatus: release.StatusDeployed},
		{name: "API server gone", apply: upgradeThen(connRefused),
			outcome: journal.Unknown, code: exit.Operational, last: 3, lastStatus: release.StatusDeployed},
		{name: "interrupted and rolled back", undo: Undo{Revision: 2}, apply: interruptAfterUpgrade,
			outcome: journal.Interrupted, code: exit.Operational, last: 4, lastStatus: release.StatusDeployed, says: "context canceled"},
		{name: "interrupted, left in place", apply: interruptAfterUpgrade,
			outcome: journal.Interrupted, code: exit.Operational, last: 3, lastStatus: release.StatusDeployed, says: "interrupted"},
		{name: "rollback aborted by a second interrupt", undo: Undo{Revision: 2}, apply: interruptAfterUpgrade,
			setup: func(_ *testing.T, _ *fixture, g *Guard) {
				abort, cancel := context.WithCancel(context.Background())
				cancel()
				g.Abort = abort
				g.rollbackFn = func(ctx context.Context, _ int) error { <-ctx.Done(); return ctx.Err() }
			},
			outcome: journal.Interrupted, code: exit.Operational, last: 3, lastStatus: release.StatusDeployed, says: "--recover"},
		{name: "rollback failed", undo: Undo{Revision: 9, Bookmark: "web-r2"}, apply: upgradeThen(crash),
			outcome: journal.Failed, code: exit.Operational, last: 3, lastStatus: release.StatusDeployed,
			says: "rollback to revision 9 failed"},
		{name: "rollback failed, API gone", undo: Undo{Revision: 2}, apply: upgradeThen(crash),
			setup: func(_ *testing.T, _ *fixture, g *Guard) {
				g.rollbackFn = func(context.Context, int) error { return connRefused }
			},
			outcome: journal.Unknown, code: exit.Operational, last: 3, lastStatus: release.StatusDeployed,
			says: "helm stella safe-rollback web --namespace web"},
	}
}

// interruptAfterUpgrade upgrades, then the operator presses Ctrl-C while
// the change waits.
func interruptAfterUpgrade(ctx context.Context, f *fixture, cancel context.CancelFunc) (bool, error) {
	if _, err := f.upgrade(ctx, "2.0.0"); err != nil {
		return false, err
	}
	cancel()
	<-ctx.Done()
	return true, fmt.Errorf("promote: wait interrupted: %w", context.Cause(ctx))
}

// TestFlows drives the guard through each outcome with a real Helm
// upgrade and rollback on the memory driver.
func TestFlows(t *testing.T) {
	for _, tt := range flows() {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			g := f.guard()
			if tt.setup != nil {
				tt.setup(t, f, g)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c := &testChange{undo: tt.undo, apply: func(ctx context.Context) (bool, error) { return tt.apply(ctx, f, cancel) }}
			rep, err := g.Run(ctx, c)
			checkRun(t, f, rep, err, tt.outcome, tt.code, tt.says)
			if l := f.last(t); l.Version != tt.last || l.Info.Status != tt.lastStatus {
				t.Errorf("helm: last revision %d %s, want %d %s", l.Version, l.Info.Status, tt.last, tt.lastStatus)
			}
			if tt.last == 4 && (rep.Rollback == nil || rep.Rollback.Revision != 2 || c.end.Rollback == nil) {
				t.Errorf("rollback not reported: %+v", rep.Rollback)
			}
		})
	}
}

// checkRun checks the report, the exit code, the final journal entry and
// the released lock of one run.
func checkRun(t *testing.T, f *fixture, rep *Report, err error, outcome journal.Outcome, code exit.Code, says string) {
	t.Helper()
	if rep.Outcome != outcome || exit.CodeOf(err) != code {
		t.Fatalf("outcome %s, code %d (%v); want %s, code %d", rep.Outcome, exit.CodeOf(err), err, outcome, code)
	}
	if says != "" && (err == nil || !strings.Contains(err.Error(), says)) {
		t.Errorf("error %v does not say %q", err, says)
	}
	if f.leased(t) {
		t.Error("the lock was not released")
	}
	es := f.entries(t)
	if outcome == journal.Refused {
		if len(es) != 0 {
			t.Errorf("refused run journaled %d entries", len(es))
		}
		return
	}
	if len(es) != 1 || es[0].ID != rep.Journal {
		t.Fatalf("journal: %d entries, want the run's %s", len(es), rep.Journal)
	}
	if es[0].Outcome != outcome || es[0].End.IsZero() {
		t.Errorf("journal entry: %s ended %s, want %s", es[0].Outcome, es[0].End, outcome)
	}
	if err != nil && es[0].Notes != journal.Redact(err.Error()) {
		t.Errorf("journal notes %q, want the error %q", es[0].Notes, err)
	}
}

// TestFinalWriteAnswerLost: the API server stores the outcome, then goes
// away before answering and stays away for a few attempts. The guard
// retries (saying so), finds its own write stored, and the run keeps its
// verdict: exit 0 over a succeeded entry, not exit 1.
func TestFinalWriteAnswerLost(t *testing.T) {
	f := newFixture(t)
	g := f.guard()
	var out strings.Builder
	g.Progress = output.NewProgress(&out)
	updates, gets := 0, 0
	f.typed.PrependReactor("update", "configmaps", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if updates++; updates > 1 {
			return false, nil, nil
		}
		u := a.(k8stesting.UpdateAction)
		if err := f.typed.Tracker().Update(a.GetResource(), u.GetObject(), a.GetNamespace()); err != nil {
			t.Fatal(err)
		}
		return true, nil, connRefused // stored, answer lost
	})
	f.typed.PrependReactor("get", "configmaps", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if updates == 0 || gets >= 2 { // the API server is back after two refused reads
			return false, nil, nil
		}
		gets++
		return true, nil, connRefused
	})
	c := &testChange{undo: Undo{Revision: 2}, apply: func(ctx context.Context) (bool, error) { return upgradeThen(nil)(ctx, f, nil) }}
	rep, err := g.Run(context.Background(), c)
	checkRun(t, f, rep, err, journal.Succeeded, exit.OK, "")
	if updates != 1 || gets != 2 {
		t.Errorf("%d updates and %d refused reads; want 1 and 2", updates, gets)
	}
	if n := strings.Count(out.String(), "journal: the API server did not answer, retrying in "); n != 3 {
		t.Errorf("%d retry lines, want 3 (the lost answer, two refused reads):\n%s", n, out.String())
	}
}
