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

// Where names a run's suite, first match wins: File (a flag), the smoke:
// file of Channel in the channels file Config, then Default. promote,
// safe-rollback and kubectl stella smoke all look their suite up here.
type Where struct {
	File    string // named on the command line
	Config  string // the channels file; read only when Channel is set
	Channel string // fills {{ .Channel }} and {{ .Version }} (its release manifest's)
	// Default is the suite when neither File nor Channel names one:
	// DefaultPath for kubectl stella smoke, the smoke: file of a channel the
	// caller read itself, or "" for no suite.
	Default string
}

// Found is the suite Find read, with the channel's template values.
type Found struct {
	Path    string // the suite file read; "" when none was named
	Suite   *Suite // nil when none was named
	Channel string // "" without Where.Channel
	Version string // the channel's release manifest version; "" without Where.Channel
}

// Find reads the suite w names. Errors (channels file, release manifest,
// suite) are invalid input naming the file (and line); nothing has run.
func Find(w Where) (Found, error) {
	var f Found
	path := w.File
	if w.Channel != "" {
		info, err := FromChannel(w.Config, w.Channel)
		if err != nil {
			return Found{}, err
		}
		f.Channel, f.Version = info.Channel, info.Version
		if path == "" {
			path = info.Suite
		}
	}
	if path == "" {
		path = w.Default
	}
	if path == "" {
		return f, nil
	}
	suite, err := Load(path)
	if err != nil {
		return Found{}, err
	}
	f.Path, f.Suite = path, suite
	return f, nil
}
