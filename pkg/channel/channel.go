package channel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// DefaultPath is where the channels file is looked for by default.
const DefaultPath = "deploy/channels.yaml"

// File is a loaded channels file.
type File struct {
	Path          string              `yaml:"-" json:"path"`
	Channels      map[string]*Channel `yaml:"channels" json:"channels"`
	Compatibility map[string]Rule     `yaml:"compatibility" json:"compatibility,omitempty"`
}

// Channel is one release channel. Every path is resolved against the
// directory of the channels file.
type Channel struct {
	Name          string              `yaml:"-" json:"name"`
	Release       string              `yaml:"release" json:"release"`
	PromotesFrom  string              `yaml:"promotesFrom" json:"promotesFrom,omitempty"`
	Chart         string              `yaml:"chart" json:"chart,omitempty"`
	Values        []string            `yaml:"values" json:"values,omitempty"`
	Compose       []Compose           `yaml:"compose" json:"compose,omitempty"`
	IgnoreRepos   []string            `yaml:"ignoreRepos" json:"ignoreRepos,omitempty"`
	NotDeployed   map[string][]string `yaml:"notDeployed" json:"notDeployed,omitempty"` // target file → components
	RegistryMap   []string            `yaml:"registryMap" json:"registryMap,omitempty"` // FROM=TO
	Match         string              `yaml:"match" json:"match,omitempty"`             // name|repository
	Smoke         string              `yaml:"smoke" json:"smoke,omitempty"`
	CheckRegistry bool                `yaml:"checkRegistry" json:"checkRegistry,omitempty"` // promote's preflight HEADs every pin in the mirror
	Compatibility map[string]Rule     `yaml:"compatibility" json:"compatibility,omitempty"` // overrides the top level per component
	Versions      VersionMarkers      `yaml:"versionMarkers" json:"versionMarkers,omitempty"`
	Line          int                 `yaml:"-" json:"line"`
}

// Compose is a compose target with the env files that interpolate it.
type Compose struct {
	File     string   `yaml:"file" json:"file"`
	EnvFiles []string `yaml:"envFiles" json:"envFiles,omitempty"`
}

// Load reads, resolves and validates the channels file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, exit.InvalidInput("channels file: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes channels-file bytes (unknown keys are errors, with line).
func Parse(path string, data []byte) (*File, error) {
	root, err := yamlpos.Decode(path, data)
	if err != nil {
		return nil, err
	}
	f := &File{Path: path}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlpos.Error(path, err)
	}
	if len(f.Channels) == 0 {
		return nil, exit.InvalidInput("%s: no channels defined", path)
	}
	chans := yamlpos.Map(root, "channels")
	for name, c := range f.Channels {
		if c == nil {
			c = &Channel{}
			f.Channels[name] = c
		}
		c.Name = name
		c.Line = keyLine(chans, name)
		c.resolve(filepath.Dir(path))
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return f, nil
}

// Names lists the channels, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Channels))
	for n := range f.Channels {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Channel returns the named channel.
func (f *File) Channel(name string) (*Channel, error) {
	if c, ok := f.Channels[name]; ok {
		return c, nil
	}
	return nil, exit.InvalidInput("flag --channel: channel %q not in %s (have %s)", name, f.Path, strings.Join(f.Names(), ", "))
}

// ChannelFor returns the channel whose values or compose list holds target.
func (f *File) ChannelFor(target string) (*Channel, error) {
	var found []*Channel
	for _, n := range f.Names() {
		if f.Channels[n].Holds(target) {
			found = append(found, f.Channels[n])
		}
	}
	switch len(found) {
	case 0:
		return nil, exit.InvalidInput("%s is in no channel of %s; pass --channel or --release", target, f.Path)
	case 1:
		return found[0], nil
	}
	return nil, exit.InvalidInput("%s is in channels %s and %s of %s; pass --channel", target, found[0].Name, found[1].Name, f.Path)
}

// ChannelForValues is ChannelFor for a Helm values file.
func (f *File) ChannelForValues(path string) (*Channel, error) { return f.ChannelFor(path) }

// Rules returns the compatibility rules that apply to channel c: the top
// level's, overridden per component by the channel's own.
func (f *File) Rules(c *Channel) map[string]Rule {
	out := make(map[string]Rule, len(f.Compatibility))
	for k, r := range f.Compatibility {
		out[k] = r
	}
	if c != nil {
		for k, r := range c.Compatibility {
			out[k] = r
		}
	}
	return out
}

func (c *Channel) resolve(dir string) {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c.Release, c.Chart, c.Smoke = abs(c.Release), abs(c.Chart), abs(c.Smoke)
	for i := range c.Values {
		c.Values[i] = abs(c.Values[i])
	}
	for i := range c.Compose {
		c.Compose[i].File = abs(c.Compose[i].File)
		for j := range c.Compose[i].EnvFiles {
			c.Compose[i].EnvFiles[j] = abs(c.Compose[i].EnvFiles[j])
		}
	}
	nd := make(map[string][]string, len(c.NotDeployed))
	for k, v := range c.NotDeployed {
		nd[abs(k)] = v
	}
	c.NotDeployed = nd
}

func samePath(a, b string) bool {
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}

func errf(f *File, c *Channel, format string, a ...any) error {
	return yamlpos.Errorf(f.Path, c.Line, "channel %s: %s", c.Name, fmt.Sprintf(format, a...))
}

// keyLine is the line of key in mapping m (0 when absent).
func keyLine(m *yaml.Node, key string) int {
	if m == nil {
		return 0
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line
		}
	}
	return 0
}
