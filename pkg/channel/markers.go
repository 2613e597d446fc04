package channel

import (
	"fmt"
	"regexp"
	"strings"
)

// VersionMarkers are the places, besides image references, that name the
// channel's release version and move with it when promote --files-only
// points the channel at a new manifest: dotted keys in each of the
// channel's values files (global.releaseVersion) and variables in the env
// files of its compose targets (STELLA_VERSION).
type VersionMarkers struct {
	Values []string `yaml:"values" json:"values,omitempty"`
	Env    []string `yaml:"env" json:"env,omitempty"`
}

// Empty reports whether no marker is declared.
func (m VersionMarkers) Empty() bool { return len(m.Values)+len(m.Env) == 0 }

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (m VersionMarkers) validate() error {
	for _, k := range m.Values {
		if k == "" || strings.HasPrefix(k, ".") || strings.HasSuffix(k, ".") || strings.Contains(k, "..") {
			return fmt.Errorf("values key %q: want dotted keys such as global.releaseVersion", k)
		}
	}
	for _, e := range m.Env {
		if !envName.MatchString(e) {
			return fmt.Errorf("env %q: not a variable name", e)
		}
	}
	return nil
}

// Keys splits a dotted values key.
func Keys(dotted string) []string { return strings.Split(dotted, ".") }

// AllEnvFiles lists the env files of every compose target, in order.
func (c *Channel) AllEnvFiles() []string {
	var out []string
	for _, cf := range c.Compose {
		out = append(out, cf.EnvFiles...)
	}
	return out
}

// Files lists every file the channel names (values, compose targets and
// their env files), in order, without duplicates.
func (c *Channel) Files() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range append(append(append([]string{}, c.Values...), c.ComposeFiles()...), c.AllEnvFiles()...) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// Lists reports whether file is one of the channel's files.
func (c *Channel) Lists(file string) bool {
	for _, f := range c.Files() {
		if samePath(f, file) {
			return true
		}
	}
	return false
}
