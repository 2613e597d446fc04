package smoke

import (
	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
)

// ChannelInfo is what a channel contributes to a smoke run: the values of
// {{ .Channel }} and {{ .Version }}, and the channel's suite file, if any.
type ChannelInfo struct {
	Channel string
	Version string
	Suite   string // the channel's smoke: file, resolved; "" when unset
}

// FromChannel reads the channels file at config and the release manifest of
// channel name. Errors are invalid input naming the file (and line).
func FromChannel(config, name string) (ChannelInfo, error) {
	f, err := channel.Load(config)
	if err != nil {
		return ChannelInfo{}, err
	}
	c, err := f.Channel(name)
	if err != nil {
		return ChannelInfo{}, err
	}
	m, err := manifest.Load(c.Release)
	if err != nil {
		return ChannelInfo{}, err
	}
	return ChannelInfo{Channel: name, Version: m.Version, Suite: c.Smoke}, nil
}
