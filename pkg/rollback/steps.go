package rollback

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/release"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/guard"
	"github.com/stella-ops/stella-plugins/pkg/helmlog"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/smoke"
	"github.com/stella-ops/stella-plugins/pkg/verify"
)

// steps are the side effects, in order, under the lock.
func (r *Rollback) steps(ctx context.Context, res *Result, target *release.Release, expect expected) error {
	d := res.Decision
	if d.Pending != nil {
		if err := r.recoverPending(d.Pending.Version); err != nil {
			return err
		}
		res.Recovered = d.Pending.Version
	}
	// after a recovery the stuck revision's manifest may equal the target's,
	// and Helm's three-way merge would then keep whatever the interrupted
	// operation left live: replace the objects instead (helm --force)
	if err := r.apply(ctx, d.Target, target, d.Pending != nil); err != nil {
		return err
	}
	// the revision the rollback created, read even after an interrupt (as
	// the upgrade runs): the verify step after it reports the interrupt
	last, err := helmx.New(r.cfg).Newest(context.WithoutCancel(ctx), r.Release)
	if err != nil {
		return fmt.Errorf("read release %q after the rollback: %w", r.Release, err)
	}
	res.NewRevision = last.Version
	r.step(fmt.Sprintf("rolled back %s to revision %d as revision %d; verifying", r.Release, d.Target.Revision, last.Version))
	if err := r.verify(ctx, res, expect); err != nil {
		return err
	}
	return r.smoke(ctx, res)
}

// recoverPending marks a stale pending-* revision failed through Helm's
// storage: the maintainers' manual workaround (helm/helm#7476), guarded by
// Decide (Recover, no lock, older than StaleAfter) and by the lock we hold.
func (r *Rollback) recoverPending(version int) error {
	rel, err := r.cfg.Helm.Releases.Get(r.Release, version)
	if err != nil {
		return fmt.Errorf("read pending revision %d: %w", version, err)
	}
	if !rel.Info.Status.IsPending() {
		return exit.Refusal("revision %d of %q is no longer pending (%s): another operation finished it; nothing changed", version, r.Release, rel.Info.Status)
	}
	was := rel.Info.Status
	rel.Info.Status = release.StatusFailed
	rel.Info.Description = fmt.Sprintf("marked failed by stella safe-rollback --recover (was %s)", was)
	if err := r.cfg.Helm.Releases.Update(rel); err != nil {
		return fmt.Errorf("mark revision %d failed: %w", version, err)
	}
	r.step(fmt.Sprintf("revision %d was %s: marked failed", version, was))
	return nil
}

// apply rolls back through the Helm SDK, or restores a pruned revision from
// its bookmark as a new revision.
func (r *Rollback) apply(ctx context.Context, t Target, target *release.Release, force bool) error {
	timeout := r.remaining()
	if !t.Restore {
		if err := guard.HelmRollback(r.cfg.Helm, r.Release, t.Revision, timeout, force, r.MaxHistory); err != nil {
			return fmt.Errorf("helm rollback of %q to revision %d: %w", r.Release, t.Revision, err)
		}
		return nil
	}
	up := action.NewUpgrade(r.cfg.Helm)
	up.Namespace, up.Timeout, up.ResetValues, up.Force = r.cfg.Namespace, timeout, true, force
	up.MaxHistory = r.MaxHistory
	up.Description = "stella safe-rollback to bookmark " + t.Bookmark
	// as promote's upgrade: a context that never ends (Helm marks the new
	// revision failed when its context ends, even after a successful
	// upgrade; an interrupt is seen by the steps after it); up.Timeout bounds it
	uctx := context.WithoutCancel(ctx)
	logged, err := helmlog.Capture(func() error {
		_, err := up.RunWithContext(uctx, r.Release, target.Chart, target.Config)
		return err
	})
	for _, l := range logged { // coalesce conflicts Helm logs: once each, as warnings
		r.step("warning: helm: " + l)
	}
	if err != nil {
		return fmt.Errorf("restore %q from bookmark %s: %w", r.Release, t.Bookmark, err)
	}
	return nil
}

// verify runs the verify-pods engine: fail fast, digests as the target's.
func (r *Rollback) verify(ctx context.Context, res *Result, expect expected) error {
	v := verify.New(r.cfg)
	v.Options = verify.Options{Release: r.Release, Namespace: r.cfg.Namespace, Wait: true,
		Timeout: r.remaining(), UnschedulableGrace: r.UnschedulableGrace, ExpectedDigests: expect.digests, DigestSource: expect.source, Logs: true, Progress: verify.Report(r.progress(), "verify")}
	vr, err := v.Run(ctx)
	if err != nil {
		return err
	}
	res.Verify = vr
	switch vr.Verdict {
	case verify.Healthy:
		return nil
	case verify.TimedOut:
		return exit.TimedOut("rolled back, but verification timed out: %s", vr.Message)
	}
	return exit.WithCode(exit.CheckFailed, fmt.Errorf("%s (rolled back, but verification failed)", vr.Message)) // the cause first
}

// loadSuite reads the configured suite, if any, before anything changes: a
// bad suite or channel is invalid input (exit 4), not a failure after the
// rollback.
func (r *Rollback) loadSuite() error {
	f, err := smoke.Find(smoke.Where{File: r.SmokeSuite, Config: r.Config, Channel: r.Channel})
	if err != nil {
		return err
	}
	r.suite, r.suitePath, r.suiteVersion = f.Suite, f.Path, f.Version
	return nil
}

// smoke runs the suite loadSuite read, if any.
func (r *Rollback) smoke(ctx context.Context, res *Result) error {
	if r.NoSmoke {
		r.step("verified; smoke skipped (--no-smoke)")
		res.SmokeSkipped = true
		return nil
	}
	if r.suite == nil { // a plain chart, or no channel named: one notice, no smoke
		why := "no --smoke, no --channel with --config"
		if r.Channel != "" {
			why = "channel " + r.Channel + " has none"
		}
		r.step("verified; no smoke suite (" + why + ")")
		return nil
	}
	suite, path, ch, ver := r.suite, r.suitePath, r.Channel, r.suiteVersion
	r.step("verified; running smoke suite " + path)
	s, err := smoke.New(r.cfg).Run(ctx, smoke.Options{Suite: suite, Release: r.Release, Namespace: r.cfg.Namespace, Channel: ch, Version: ver,
		OnResult: smoke.Report(r.progress(), output.Colorizer{}, "smoke")})
	if err != nil {
		return err
	}
	res.Smoke = s
	if !s.OK() {
		return exit.WithCode(exit.CheckFailed, fmt.Errorf("rolled back and verified, but smoke failed: %d of %d checks", s.Failed, s.Passed+s.Failed))
	}
	return nil
}

// fill completes the final journal entry: evidence, smoke, notes.
func fill(e *journal.Entry, res *Result, err error) {
	var notes []string
	if e.Notes != "" {
		notes = append(notes, e.Notes)
	}
	if res.Recovered > 0 {
		notes = append(notes, fmt.Sprintf("recovered stuck revision %d (marked failed)", res.Recovered))
	}
	if res.NewRevision > 0 {
		how := "helm rollback"
		if res.Decision.Target.Restore {
			how = "restored from bookmark " + res.Decision.Target.Bookmark
		}
		notes = append(notes, fmt.Sprintf("%s → revision %d", how, res.NewRevision))
	}
	if res.Verify != nil {
		notes = append(notes, "verify: "+string(res.Verify.Verdict))
		e.Evidence = guard.Evidence(res.Verify)
	}
	if res.Smoke != nil {
		if b, jerr := json.Marshal(res.Smoke); jerr == nil {
			e.Smoke = b
		}
	}
	if res.SmokeSkipped {
		e.Smoke = journal.SmokeSkipped("--no-smoke")
	}
	if err != nil {
		notes = append(notes, "error: "+err.Error())
	}
	e.Notes = strings.Join(notes, "; ")
}

func (r *Rollback) step(s string) { r.progress().Logf("%s", s) }

func (r *Rollback) progress() output.Reporter {
	if r.Progress == nil {
		return output.Discard
	}
	return r.Progress
}

// remaining is the time left before the steps' deadline.
func (r *Rollback) remaining() time.Duration {
	if left := r.deadline.Sub(r.now()); left > 0 {
		return left
	}
	return time.Millisecond
}
