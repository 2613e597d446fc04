//go:build e2e

package apifault

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

const (
	runs  = 5
	rel   = "stellaops"
	crash = `podAnnotations={"authority":{"stella.test/simulate":"crashloop"}}`
)

// env is one test's private control plane and namespace.
type env struct {
	*harness.T
	api   *harness.Private
	suite string
}

func (e *env) promote(values string, extra ...string) []string {
	return append([]string{"promote", rel, e.Example("deploy/helm/stellaops"), "-f", values,
		"--config", e.Example("deploy/channels.yaml"), "--channel", "stable", "--smoke-suite", e.suite,
		"--lock-timeout", "20s", "-n", e.Namespace}, extra...)
}

func (e *env) start(bin string, args ...string) *harness.Proc {
	return harness.Start(e.T.T, e.Kubeconfig, e.Plugin(bin), args...)
}

// outage kills the apiserver after a random delay below maxDelay and keeps
// it down 0.5–4 s, or, one time in three, 20–25 s: longer than the lock
// (--lock-timeout 20s) and client-go's and Helm's retries, so a command
// in the middle of its change must give up and say why (only the journal's
// and the Lease release's writes wait it out, ≈ 48 s).
func (e *env) outage(what string, maxDelay time.Duration) {
	delay := time.Duration(rand.Int64N(int64(maxDelay)))
	down := time.Duration(500+rand.IntN(3500)) * time.Millisecond
	if rand.IntN(3) == 0 {
		down = time.Duration(20+rand.IntN(5)) * time.Second
	}
	e.Logf("%s: kill -9 kube-apiserver after %s, down %s", what, delay.Round(time.Millisecond), down.Round(time.Millisecond))
	e.api.Outage(delay, down)
}

// expect checks the exit code of a faulted run: one of ok, and exit 1 says
// in its one Error: line that the API server could not be reached.
func (e *env) expect(what string, p *harness.Proc, code int, ok ...int) {
	e.Helper()
	last := harness.LastLine(p.Stderr())
	for _, o := range ok {
		if code != o {
			continue
		}
		e.Logf("%s: exit %d: %s", what, code, last)
		if code == 1 && (!strings.HasPrefix(last, "Error: ") || !apiGone(last)) {
			e.Fatalf("%s: exit 1 without a clear API-unreachable error:\n%s", what, p.Stderr())
		}
		return
	}
	e.Fatalf("%s: exit %d, want one of %v\nstdout:\n%s\nstderr:\n%s", what, code, ok, p.Stdout(), p.Stderr())
}

func apiGone(msg string) bool {
	for _, s := range []string{"connection refused", "connection reset", "connection lost", "broken pipe", "EOF",
		"i/o timeout", "API server", "unavailable", "unreachable"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// settle: once the API is back, the Lease is free — released by the
// command, or (when the outage outlasted the release's retries) expiring
// --lock-timeout (20 s here) after its last renewal, as the refusal says —
// and the release is deployed (after at most a `safe-rollback --recover`
// with no manual step).
func (e *env) settle(what string) {
	e.Helper()
	if info, err := lock.Get(context.Background(), e.Client, e.Namespace, rel); err != nil {
		e.Fatal(err)
	} else if info != nil && info.Held(time.Now()) {
		wait := time.Until(info.Expires())
		e.Logf("%s: Lease left by the ended command (%s) expires in %s", what, info, wait.Round(time.Millisecond))
		if wait > 21*time.Second {
			e.Fatalf("%s: Lease held until %s, longer than --lock-timeout", what, info.Expires())
		}
		time.Sleep(wait + 500*time.Millisecond)
	}
	if s := e.HelmStatus(rel); s != "deployed" {
		r := e.Run(e.Plugin("helm-stella"), "safe-rollback", rel, "-n", e.Namespace, "--recover", "--stale-after", "1s", "--timeout", "2m")
		e.Logf("%s: release %s: safe-rollback --recover: exit %d: %s", what, s, r.Code, harness.LastLine(r.Stdout+r.Stderr))
		if r.Code != 0 {
			e.Fatalf("%s: --recover exit %d\n%s\n%s", what, r.Code, r.Stdout, r.Stderr)
		}
	}
	if info, err := lock.Get(context.Background(), e.Client, e.Namespace, rel); err != nil || (info != nil && info.Held(time.Now())) {
		e.Fatalf("%s: lock still held: %+v (%v)", what, info, err)
	}
}

// follow runs the safe-rollback a failed command told the operator to run
// once the API server answers ("…; once the API server answers, run: helm
// stella safe-rollback …"), as the operator would: no other manual step.
func (e *env) follow(what, stderr string) {
	e.Helper()
	_, cmd, ok := strings.Cut(harness.LastLine(stderr), "run: helm stella ")
	if !ok {
		return
	}
	r := e.Run(e.Plugin("helm-stella"), append(strings.Fields(cmd), "--timeout", "2m")...)
	e.Logf("%s: followed 'helm stella %s': exit %d: %s", what, cmd, r.Code, harness.LastLine(r.Stdout+r.Stderr))
	if r.Code != 0 {
		e.Fatalf("%s: the printed safe-rollback failed: exit %d\n%s\n%s", what, r.Code, r.Stdout, r.Stderr)
	}
}

func newEnv(t *testing.T) *env {
	api := harness.StartPrivate(t)
	e := &env{T: harness.NewOn(t, api.Kubeconfig), api: api}
	e.suite = e.EndpointsSuite()
	e.Must(e.Run(e.Plugin("helm-stella"), e.promote(e.Example("deploy/helm/stellaops/values-stage.yaml"))...))
	return e
}

// TestAPIServerKilled kills -9 (and restarts) the private kube-apiserver
// while bookmark writes, while promote waits and while safe-rollback rolls
// back and verifies, runs times each at random moments and for random
// lengths. Each run: exit 0 when the API came back within the command's
// retries, else exit 1 with a clear message (or the verdict's own code);
// once the API is back the release is deployed (with at most one
// `safe-rollback --recover`), the Lease is free, the journal's entries are
// final (an entry orphaned by a lost final write is closed as unknown by
// the next operation) and a rerun completes.
func TestAPIServerKilled(t *testing.T) {
	e := newEnv(t)
	stage := e.Example("deploy/helm/stellaops/values-stage.yaml")
	never := e.StageValues("never.yaml", "podAnnotations:\n  authority:\n    stella.test/simulate: never-ready\n")
	for i := range runs {
		what := fmt.Sprintf("bookmark run %d", i)
		p := e.start("kubectl-stella", "bookmark", rel, "-n", e.Namespace)
		e.outage(what, 400*time.Millisecond)
		e.expect(what, p, p.Wait(t, 90*time.Second), 0, 1)
		e.Must(e.Run(e.Plugin("kubectl-stella"), "bookmark", rel, "-n", e.Namespace))

		what = fmt.Sprintf("promote run %d", i)
		since := time.Now()
		p = e.start("helm-stella", e.promote(never, "--timeout", "20s")...)
		e.Eventually(60*time.Second, what+" waiting", func() (bool, error) {
			if p.Ended() {
				e.Fatalf("%s ended before waiting: exit %d\n%s", what, p.Cmd.ProcessState.ExitCode(), p.Stderr())
			}
			return strings.Contains(p.Stderr(), "wait: up to"), nil
		})
		e.outage(what, 2*time.Second)
		code, ended := p.Wait(t, 200*time.Second), time.Now()
		e.expect(what, p, code, 1, 2, 3)
		e.settle(what)
		e.follow(what, p.Stderr())                                  // a rollback the API outage stopped: the command it printed
		e.Must(e.Run(e.Plugin("helm-stella"), e.promote(stage)...)) // the rerun completes
		e.journaled(what, since, ended, code)

		what = fmt.Sprintf("safe-rollback run %d", i)
		e.Must(e.Run(e.Helm3(), "upgrade", rel, e.Example("deploy/helm/stellaops"), "-n", e.Namespace, "-f", stage, "--set-json", crash))
		since = time.Now()
		p = e.start("helm-stella", "safe-rollback", rel, "-n", e.Namespace, "--timeout", "1m", "--lock-timeout", "20s")
		e.outage(what, 2500*time.Millisecond)
		code, ended = p.Wait(t, 120*time.Second), time.Now()
		e.expect(what, p, code, 0, 1, 2, 3)
		e.settle(what)
		if r := e.Run(e.Helm3(), "get", "values", rel, "-n", e.Namespace, "-o", "json"); strings.Contains(r.Stdout, "crashloop") {
			e.Must(e.Run(e.Plugin("helm-stella"), "safe-rollback", rel, "-n", e.Namespace, "--timeout", "1m")) // the rerun completes
		} else if code == 1 {
			// rolled back, but the outage outlasted the outcome write: the
			// next guarded operation on the release closes the entry
			e.Must(e.Run(e.Plugin("helm-stella"), e.promote(stage)...))
		}
		e.journaled(what, since, ended, code)
	}
}

// journaled checks the journal after the rerun: every entry since the
// faulted run started is final, and the faulted run's own entry (one that
// started before it ended; none when the outage stopped it before it took
// the lock, so before any change) is not succeeded when it exited 1 —
// unknown when its outcome could not be written or the API went away
// mid-rollback, rolled-back when the wait was cut but the rollback went
// through, interrupted, failed.
func (e *env) journaled(what string, since, ended time.Time, code int) {
	e.Helper()
	es, err := journal.New(e.Client, e.Namespace).List(context.Background(), rel, since.Add(-time.Second))
	if err != nil {
		e.Fatal(err)
	}
	for _, en := range es {
		if !en.Outcome.Final() {
			e.Fatalf("%s: journal entry %s is %s after the rerun", what, en.ID, en.Outcome)
		}
	}
	if len(es) == 0 || !es[0].Start.Before(ended) {
		e.Logf("%s: not journaled: stopped before taking the lock", what)
		if code == 0 {
			e.Fatalf("%s: exit 0 without a journal entry", what)
		}
		return
	}
	first := es[0]
	e.Logf("%s: journal %s %s %s: %s", what, first.Operation, first.ID, first.Outcome, harness.LastLine("-\n"+first.Notes))
	if code == 1 && first.Outcome == journal.Succeeded {
		e.Fatalf("%s: exit 1 but journal says %s", what, first.Outcome)
	}
}
