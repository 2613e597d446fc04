package promote

import (
	"context"
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/stella-ops/stella-plugins/pkg/align"
	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/plan"
	"github.com/stella-ops/stella-plugins/pkg/retention"
	"github.com/stella-ops/stella-plugins/pkg/smoke"
)

// state is what the preflight learned; nothing has changed yet.
type state struct {
	channel  *channel.Channel
	manifest *manifest.Manifest
	current  helmx.Revision // zero on a first install
	first    bool
	// revisions is the history read by the preflight (labels only).
	revisions []helmx.Revision

	suitePath string       // "" when the channel has no suite
	suite     *smoke.Suite // read before any change: a bad suite is exit 4

	journalLimit, bookmarkLimit retention.Limit // resolved from flags, channels file, defaults

	manifestPath  string // the release manifest whose pins are checked ("" on a plain chart without --release)
	checkRegistry bool   // CheckRegistry or the channel's checkRegistry
}

// preflight checks the inputs before anything is read from the cluster:
// the channel, release manifest and smoke suite (exit 4) and alignment
// with lint (exit 2), showing its progress on out. checkCluster does the rest.
func (p *Promote) preflight(ctx context.Context, res *Result, out output.Reporter) (*state, error) {
	if p.withoutChannels() {
		return p.plainPreflight(ctx, res, out)
	}
	st := &state{}
	var err error
	var f *channel.File
	if f, st.channel, err = p.resolveChannel(); err != nil {
		return nil, err
	}
	st.journalLimit, st.bookmarkLimit = p.retention(f, st.channel)
	path := st.channel.Release
	if p.ReleaseManifest != "" {
		path = p.ReleaseManifest
	}
	st.manifestPath = path
	if st.manifest, err = manifest.Load(path); err != nil {
		return nil, err
	}
	res.Manifest.Version, res.Manifest.Channel = st.manifest.Version, st.channel.Name
	if st.suitePath, st.suite, err = p.loadSuite(st.channel); err != nil {
		return nil, err
	}
	st.checkRegistry = p.CheckRegistry || st.channel.CheckRegistry
	out.Logf("preflight: align %s with %s (%s)", strings.Join(p.ValuesFiles, ", "), st.channel.Name, st.manifest.Version)
	if err := p.align(ctx, st, res, out); err != nil {
		return nil, err
	}
	return st, nil
}

// checkCluster is the preflight's cluster half: the current revision, the
// lock and the staging gate.
func (p *Promote) checkCluster(ctx context.Context, st *state, res *Result) (*state, error) {
	var err error
	if err := p.readRelease(ctx, st, res); err != nil {
		return nil, err
	}
	if err := p.lockFree(ctx); err != nil {
		return nil, refused(res, err)
	}
	if p.Stage != nil {
		if res.Gate, err = p.gate(ctx, st); err != nil {
			return nil, refused(res, err)
		}
	}
	return st, nil
}

// refused marks the result of a safety refusal (lock, gate): nothing changed.
func refused(res *Result, err error) error {
	if exit.CodeOf(err) == exit.Refused && res.Outcome == "" {
		res.Outcome, res.Message = journal.Refused, "nothing changed"
	}
	return err
}

func (p *Promote) resolveChannel() (*channel.File, *channel.Channel, error) {
	f, err := channel.Load(p.Config)
	if err != nil {
		return nil, nil, err
	}
	var c *channel.Channel
	if p.Channel != "" {
		c, err = f.Channel(p.Channel)
	} else {
		c, err = f.ChannelForValues(p.ValuesFiles[0])
	}
	return f, c, err
}

// align runs align (with --lint, so the rendered chart is checked too) on
// the values files, merged as Helm merges them (Layered), against the
// channel's manifest: a finding names the file that writes the value at fault.
func (p *Promote) align(ctx context.Context, st *state, res *Result, out output.Reporter) error {
	a := align.New(output.Lines(out))
	a.Config = p.Config // a plain chart's missing channels file is no error
	if !p.withoutChannels() {
		a.SetConfig(p.Config)
	}
	a.Channel, a.Values, a.Chart, a.Lint, a.Layered = res.Manifest.Channel, p.ValuesFiles, p.Chart, true, true
	a.Release = p.ReleaseManifest
	a.CheckRegistry, a.Registry = st.checkRegistry, p.Registry
	r, err := a.Run(ctx)
	if err != nil {
		return fmt.Errorf("preflight: %w", err)
	}
	for _, w := range r.Warnings {
		out.Logf("warning: %s", w)
	}
	if !r.Aligned {
		for _, f := range r.Findings {
			if f.Status.Problem() {
				res.Findings = append(res.Findings, f)
			}
		}
		res.Outcome, res.Message = journal.Drift, "values do not align with the release manifest; nothing changed"
		return exit.Failed("preflight: %d align finding(s); nothing changed", r.Problems())
	}
	return nil
}

// readRelease finds the current revision and refuses a pending one.
func (p *Promote) readRelease(ctx context.Context, st *state, res *Result) error {
	revs, err := helmx.New(p.cfg).Revisions(ctx, p.Release)
	if err != nil && !errors.Is(err, helmx.ErrNotFound) {
		return fmt.Errorf("preflight: read release: %w", err)
	}
	if pend, ok := helmx.PendingRevision(revs); ok {
		res.Outcome = journal.Refused
		res.Message = fmt.Sprintf("revision %d is %s", pend.Version, pend.Status)
		return exit.Refusal("preflight: release %s revision %d is %s: run `helm stella safe-rollback %s --recover --namespace %s` first",
			p.Release, pend.Version, pend.Status, p.Release, p.cfg.Namespace)
	}
	cur, ok := helmx.Current(revs)
	st.current, st.first, st.revisions = cur, !ok, revs
	if ok {
		res.From.Revision = cur.Version
		rec, err := helmx.New(p.cfg).Get(ctx, p.Release, cur.Version)
		if err != nil {
			return fmt.Errorf("preflight: read release: %w", err)
		}
		if r, err := rec.Release(); err == nil {
			res.From.Digests = pinnedRefs(r.Manifest)
			if r.Chart != nil && r.Chart.Metadata != nil {
				res.From.ChartVersion = r.Chart.Metadata.Version
			}
		}
	}
	return nil
}

// lockFree refuses when another operation holds the release's lock.
func (p *Promote) lockFree(ctx context.Context) error {
	info, err := lock.Get(ctx, p.cfg.Typed, p.cfg.Namespace, p.Release)
	if apierrors.IsNotFound(err) || (err == nil && info == nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("preflight: read lock: %w", err)
	}
	if now := p.Now(); info.Held(now) {
		return exit.Refusal("preflight: release %s is locked by %s — wait for it to finish, or for --lock-timeout if it crashed",
			p.Release, info.Describe(now, lock.HolderGone(*info)))
	}
	return nil
}

// pinnedRefs maps each workload/container of a rendered manifest to its
// image reference when pinned by digest (the journal's from/to digests).
func pinnedRefs(manifest string) map[string]string {
	imgs, _ := plan.Images(manifest)
	var out map[string]string
	for w, ref := range imgs {
		if image.PinnedDigest(ref) != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[w] = ref
		}
	}
	return out
}
