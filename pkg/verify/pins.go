package verify

import (
	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
)

// pins resolves the expected digests: the explicit map, else the release
// manifest (a path, or the channel's in the channels file), with the
// source's name (Result.DigestSource) and the phrase DigestMismatch
// messages use for it. Bad input is an invalid-input error (exit 4) before
// anything is read from the cluster.
func (o *Options) pins() (health.Pins, string, string, error) {
	p, source, err := o.resolvePins()
	if err != nil || len(p) == 0 {
		return p, source, "", err
	}
	phrase := o.DigestSource
	switch {
	case phrase != "":
		source = phrase
	case len(o.ExpectedDigests) > 0:
		phrase = "--expected digests"
	default:
		phrase = "release manifest " + o.manifestVersion
	}
	return p, source, phrase, nil
}

func (o *Options) resolvePins() (health.Pins, string, error) {
	if len(o.ExpectedDigests) > 0 {
		p := health.Pins{}
		for comp, d := range o.ExpectedDigests {
			if err := image.ValidDigest(d); err != nil {
				return nil, "", exit.InvalidInput("expected digest of %s: %w", comp, err)
			}
			p[comp] = d
		}
		return p, "flags", nil
	}
	path, source := o.ReleaseManifest, o.ReleaseManifest
	if o.Channel != "" {
		f, err := channel.Load(o.ChannelsFile)
		if err != nil {
			return nil, "", err
		}
		c, err := f.Channel(o.Channel)
		if err != nil {
			return nil, "", err
		}
		path, source = c.Release, "channel "+c.Name+" ("+c.Release+")"
	}
	if path == "" {
		return nil, "", nil
	}
	m, err := manifest.Load(path)
	if err != nil {
		return nil, "", err
	}
	o.manifestVersion = m.Version
	if o.manifestVersion == "" {
		o.manifestVersion = path
	}
	p := health.Pins{}
	for _, pin := range m.Pins {
		if d := pin.Digest(); d != "" {
			p[pin.Component] = d
			if n := pin.Ref.Name(); n != "" && n != pin.Component {
				if _, taken := p[n]; !taken {
					p[n] = d
				}
			}
		}
	}
	return p, source, nil
}
