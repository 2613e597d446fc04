package channel

import (
	"slices"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/image"
)

func (f *File) validate() error {
	for comp, r := range f.Compatibility {
		if err := r.validate(); err != nil {
			return exit.InvalidInput("%s: compatibility.%s: %v", f.Path, comp, err)
		}
	}
	for _, name := range f.Names() {
		if err := f.validateChannel(f.Channels[name]); err != nil {
			return err
		}
	}
	return nil
}

func (f *File) validateChannel(c *Channel) error {
	if c.Release == "" {
		return errf(f, c, "release is required")
	}
	if c.PromotesFrom != "" {
		if _, ok := f.Channels[c.PromotesFrom]; !ok || c.PromotesFrom == c.Name {
			return errf(f, c, "promotesFrom %q is not another channel", c.PromotesFrom)
		}
	}
	if _, err := image.ParseRegistryMap(c.RegistryMap); err != nil {
		return errf(f, c, "registryMap: %v", err)
	}
	if _, err := image.ParseMatch(c.Match); err != nil {
		return errf(f, c, "match: %v", err)
	}
	for comp, r := range c.Compatibility {
		if err := r.validate(); err != nil {
			return errf(f, c, "compatibility.%s: %v", comp, err)
		}
	}
	if err := c.Versions.validate(); err != nil {
		return errf(f, c, "versionMarkers: %v", err)
	}
	for file := range c.NotDeployed {
		if !c.Holds(file) {
			return errf(f, c, "notDeployed names %s, which is not one of its values or compose files", file)
		}
	}
	return nil
}

// Holds reports whether target is one of the channel's values or compose files.
func (c *Channel) Holds(target string) bool {
	if slices.ContainsFunc(c.Values, func(v string) bool { return samePath(v, target) }) {
		return true
	}
	return slices.ContainsFunc(c.Compose, func(cf Compose) bool { return samePath(cf.File, target) })
}

// EnvFiles returns the env files of compose target file, if it is one.
func (c *Channel) EnvFiles(file string) []string {
	for _, cf := range c.Compose {
		if samePath(cf.File, file) {
			return cf.EnvFiles
		}
	}
	return nil
}

// Deploys reports whether target deploys component (false when notDeployed
// lists it for that file).
func (c *Channel) Deploys(target, component string) bool {
	for file, comps := range c.NotDeployed {
		if samePath(file, target) && slices.Contains(comps, component) {
			return false
		}
	}
	return true
}

// ComposeFiles lists the compose target paths.
func (c *Channel) ComposeFiles() []string {
	out := make([]string, 0, len(c.Compose))
	for _, cf := range c.Compose {
		out = append(out, cf.File)
	}
	return out
}
