package align

import (
	"errors"
	"io/fs"
	"os"

	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
)

// run is one manifest checked against its targets.
type run struct {
	channel  *channel.Channel // nil when no channels file applies
	release  string
	values   []string
	targets  []string // any kind
	envFiles []string // from the flag; else the channel's per compose file
	chart    string
	ignore   []string
	match    image.Match
	regmap   image.RegistryMap
	rules    map[string]channel.Rule
	layered  bool
	base     string // Layered: the first values file (its notDeployed rules apply)

	manifest *manifest.Manifest
	loaded   []*target
	warnings []string
	findings []Finding
}

// plan turns the options into runs: one per channel checked.
func (a *Align) plan() ([]*run, error) {
	given := len(a.Values)+len(a.Targets) > 0
	if a.AllChannels && (given || a.Channel != "" || a.Release != "") {
		return nil, exit.InvalidInput("flag --all-channels: cannot be combined with -f, --target, --channel or --release")
	}
	cfg, err := a.config(a.AllChannels || a.Channel != "" || (given && a.Release == ""))
	if err != nil {
		return nil, err
	}
	switch {
	case a.AllChannels:
		var runs []*run
		for _, n := range cfg.Names() {
			runs = append(runs, a.newRun(cfg, cfg.Channels[n]))
		}
		return runs, nil
	case a.Channel != "":
		c, err := cfg.Channel(a.Channel)
		if err != nil {
			return nil, err
		}
		return []*run{a.newRun(cfg, c)}, nil
	case !given:
		return nil, exit.InvalidInput("nothing to align: pass -f/--values, --target, --channel or --all-channels")
	}
	var c *channel.Channel
	if cfg != nil {
		first := append(append([]string{}, a.Values...), a.Targets...)[0]
		if c, err = cfg.ChannelFor(first); err != nil && a.Release == "" {
			return nil, err
		}
	}
	return []*run{a.newRun(cfg, c)}, nil
}

// config loads the channels file; required says its absence is an error.
func (a *Align) config(required bool) (*channel.File, error) {
	path := a.Config
	if path == "" {
		path = channel.DefaultPath
	}
	if a.ConfigData != nil {
		return channel.Parse(path, a.ConfigData)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && !required && !a.configExplicit {
		return nil, nil
	}
	return channel.Load(path)
}

func (a *Align) newRun(cfg *channel.File, c *channel.Channel) *run {
	r := &run{release: a.Release, values: a.Values, targets: a.Targets, envFiles: a.EnvFiles, chart: a.Chart, channel: c, layered: a.Layered}
	r.ignore = append(r.ignore, a.IgnoreRepos...)
	mapSpecs := append([]string{}, a.RegistryMap...)
	match := a.Match
	if c != nil {
		if r.release == "" {
			r.release = c.Release
		}
		if len(r.values)+len(r.targets) == 0 {
			r.values, r.targets = c.Values, c.ComposeFiles()
		}
		if r.chart == "" {
			r.chart = c.Chart
		}
		if match == "" {
			match = c.Match
		}
		r.ignore = append(r.ignore, c.IgnoreRepos...)
		mapSpecs = append(mapSpecs, c.RegistryMap...)
	}
	if cfg != nil {
		r.rules = cfg.Rules(c)
	}
	r.match, _ = image.ParseMatch(match)           // validated by Run and channel.Load
	r.regmap, _ = image.ParseRegistryMap(mapSpecs) // idem
	return r
}

func (r *run) channelName() string {
	if r.channel == nil {
		return ""
	}
	return r.channel.Name
}

// envFor returns the env files of a compose target.
func (r *run) envFor(path string) []string {
	if len(r.envFiles) > 0 || r.channel == nil {
		return r.envFiles
	}
	return r.channel.EnvFiles(path)
}
