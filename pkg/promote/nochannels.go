package promote

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

// withoutChannels reports whether promote runs on a plain chart: no
// channels file where --config points and no --channel asking for one. The
// guarded upgrade (bookmark, fail-fast wait, rollback with evidence, lock,
// journal) is worth as much without a release manifest.
func (p *Promote) withoutChannels() bool {
	if p.Channel != "" {
		return false
	}
	path := p.Config
	if path == "" {
		path = channel.DefaultPath
	}
	_, err := os.Stat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// plainPreflight is the preflight of a chart without a channels file: with
// --release, align the values against that manifest (its pins are then
// checked on the running pods too); without, skip alignment with one notice.
func (p *Promote) plainPreflight(ctx context.Context, res *Result, out output.Reporter) (*state, error) {
	st := &state{}
	if p.Stage != nil && p.ReleaseManifest == "" {
		return nil, exit.InvalidInput("flag --require-stage: needs a release manifest (--release, or a channels file)")
	}
	var err error
	if st.suitePath, st.suite, err = p.loadSuite(nil); err != nil {
		return nil, err
	}
	if p.ReleaseManifest == "" {
		out.Logf("preflight: no channels file (%s) and no --channel or --release: alignment skipped", p.configPath())
		return st, nil
	}
	if st.manifest, err = manifest.Load(p.ReleaseManifest); err != nil {
		return nil, err
	}
	st.manifestPath, st.checkRegistry = p.ReleaseManifest, p.CheckRegistry
	res.Manifest.Version = st.manifest.Version
	out.Logf("preflight: align %s with %s (%s; no channels file)", strings.Join(p.ValuesFiles, ", "), p.ReleaseManifest, st.manifest.Version)
	return st, p.align(ctx, st, res, out)
}

func (p *Promote) configPath() string {
	if p.Config == "" {
		return channel.DefaultPath
	}
	return p.Config
}

// channelName is the channel promoted ("" on a plain chart).
func (st *state) channelName() string {
	if st.channel == nil {
		return ""
	}
	return st.channel.Name
}

// version is the release manifest's version ("" without one).
func (st *state) version() string {
	if st.manifest == nil {
		return ""
	}
	return st.manifest.Version
}

// target names what is promoted: VERSION-CHANNEL, the manifest's version, or
// the values files of a plain chart.
func target(res *Result) string {
	if v := strings.Trim(res.Manifest.Version+"-"+res.Manifest.Channel, "-"); v != "" {
		return v
	}
	return "the chart with its values"
}
