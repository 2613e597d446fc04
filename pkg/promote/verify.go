package promote

import (
	"context"
	"fmt"

	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/guard"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/smoke"
	"github.com/stella-ops/stella-plugins/pkg/verify"
)

// logLines is how many log lines of a failed container are kept.
const logLines = 20

// verify waits for the new revision with the verify-pods engine (fail
// fast), checks the running digests against the manifest, then runs the
// smoke suite. It returns the failure (with its exit code) or nil.
//
// ctx is the guard's: cancelled by an interrupt or a lost lock (its cause
// says which).
func (p *Promote) verify(ctx context.Context, st *state, res *Result) error {
	p.progressf("wait: up to %s, failing fast", p.Timeout)
	r, err := p.check(ctx, true, "")
	if err != nil {
		if cause := context.Cause(ctx); cause != nil {
			return exit.WithCode(exit.Operational, fmt.Errorf("promote: wait interrupted: %w", cause))
		}
		return fmt.Errorf("promote: wait: %w", err)
	}
	res.Verify = r
	if !r.Healthy() {
		res.Evidence = guard.Evidence(r)
		if r.Verdict == verify.TimedOut {
			return exit.TimedOut("promote: revision %d not healthy after %s: %s", res.To.Revision, p.Timeout, r.Message)
		}
		return exit.Failed("%s (promote: revision %d failed)", r.Message, res.To.Revision) // the cause first
	}
	if st.manifestPath == "" { // a plain chart: no manifest pins the digests
		return p.smoke(ctx, st, res)
	}
	p.progressf("verify: running digests against %s", res.Manifest.Version)
	if r, err = p.check(ctx, false, st.manifestPath); err != nil {
		return fmt.Errorf("promote: verify digests: %w", err)
	}
	res.Verify = r
	if !r.Healthy() {
		res.Evidence = guard.Evidence(r)
		return exit.Failed("%s (promote: running digests differ from the manifest)", r.Message)
	}
	return p.smoke(ctx, st, res)
}

// check runs verify-pods on the release: wait (fail fast), or once with
// the pins of the manifest at pins.
func (p *Promote) check(ctx context.Context, wait bool, pins string) (*verify.Result, error) {
	v := verify.New(p.cfg)
	v.Options = verify.Options{Release: p.Release, Namespace: p.cfg.Namespace, Wait: wait, Timeout: p.Timeout,
		UnschedulableGrace: p.UnschedulableGrace, Logs: true, TailLines: logLines, Progress: verify.Report(p.Progress, "wait")}
	if wait {
		v.StableFor = p.StableFor
	}
	if pins != "" {
		v.Channel, v.ChannelsFile, v.ReleaseManifest = "", "", pins
	}
	return v.Run(ctx)
}

// loadSuite reads SmokeSuite, else the channel's suite; path "" when none.
func (p *Promote) loadSuite(ch *channel.Channel) (string, *smoke.Suite, error) {
	w := smoke.Where{File: p.SmokeSuite}
	if ch != nil { // read by the preflight already: its suite is the fallback
		w.Default = ch.Smoke
	}
	f, err := smoke.Find(w)
	return f.Path, f.Suite, err
}

// smoke runs the suite the preflight loaded.
func (p *Promote) smoke(ctx context.Context, st *state, res *Result) error {
	if p.NoSmoke {
		p.progressf("smoke: skipped (--no-smoke)")
		return nil
	}
	if st.suite == nil && st.channel == nil {
		p.progressf("smoke: no channels file and no --smoke-suite: no suite")
		return nil
	}
	if st.suite == nil {
		p.progressf("smoke: channel %s has no suite", st.channel.Name)
		return nil
	}
	p.progressf("smoke: %s", st.suitePath)
	s, err := smoke.New(p.cfg).Run(ctx, smoke.Options{Suite: st.suite, Release: p.Release, Namespace: p.cfg.Namespace,
		Channel: st.channelName(), Version: st.version(), Timeout: p.SmokeTimeout, OnResult: smoke.Report(p.Progress, output.Colorizer{}, "smoke")})
	if err != nil {
		return fmt.Errorf("promote: smoke: %w", err)
	}
	res.Smoke = s
	if !s.OK() {
		return exit.Failed("promote: smoke failed: %d of %d checks failed", s.Failed, len(s.Results))
	}
	return nil
}
