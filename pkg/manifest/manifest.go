package manifest

import (
	"fmt"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// Manifest is a release manifest: what every target of a channel must pin.
type Manifest struct {
	Path    string `json:"path"`
	Version string `json:"version,omitempty"`
	Channel string `json:"channel,omitempty"`
	Date    string `json:"date,omitempty"`
	Foreign bool   `json:"foreign,omitempty"` // pins found by the "any pinned ref" scan
	Pins    []Pin  `json:"pins"`              // sorted by Component
}

// Pin is one component pinned by digest.
type Pin struct {
	Component      string    `json:"component"` // schema name, or the repository path of a foreign pin
	Image          string    `json:"image"`     // as written
	Ref            image.Ref `json:"-"`
	Infrastructure bool      `json:"infrastructure,omitempty"`
	Line           int       `json:"line"`
}

// Digest is the pinned digest (sha256:…).
func (p Pin) Digest() string { return p.Ref.Digest }

// Load reads and parses the manifest at path.
func Load(path string) (*Manifest, error) {
	data, err := yamlpos.ReadFile("release manifest", path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses manifest bytes; path is used in messages only. Every error is
// invalid input (exit 4) naming path:line.
func Parse(path string, data []byte) (*Manifest, error) {
	docs, err := yamlpos.DecodeAll(path, data)
	if err != nil {
		return nil, err
	}
	lines := yamlpos.NewLines(data)
	var root *yaml.Node
	if len(docs) > 0 {
		root = docs[0]
	}
	m := &Manifest{Path: path}
	if isSchema(root) {
		for _, d := range docs[1:] {
			if d != nil {
				return nil, yamlpos.Errorf(path, lines.Line(d), "a release manifest is one YAML document; another one starts here")
			}
		}
		err = m.readSchema(root)
	} else {
		// any other file (helm template output, a kustomize build) is read
		// whole: every document, every digest-pinned reference
		m.Foreign = true
		for _, d := range docs {
			m.scan(d, lines)
		}
	}
	if err != nil {
		return nil, err
	}
	if len(m.Pins) == 0 {
		return nil, exit.InvalidInput("%s: no image pinned by digest found", path)
	}
	sort.SliceStable(m.Pins, func(i, j int) bool { return m.Pins[i].Component < m.Pins[j].Component })
	return m, nil
}

// Pin returns the pin of a component by its manifest name.
func (m *Manifest) Pin(component string) (Pin, bool) {
	for _, p := range m.Pins {
		if p.Component == component {
			return p, true
		}
	}
	return Pin{}, false
}

// Index maps the match key of every pin (see image.Match) to its pin. Two
// pins of one key with different digests are invalid input.
func (m *Manifest) Index(match image.Match) (map[string]Pin, error) {
	idx := make(map[string]Pin, len(m.Pins))
	for _, p := range m.Pins {
		k := match.Key(p.Ref)
		if old, ok := idx[k]; ok && old.Ref.Digest != p.Ref.Digest {
			return nil, exit.InvalidInput("%s:%d: %s conflicts with line %d: two digests for %q (try --match repository)",
				m.Path, p.Line, p.Component, old.Line, k)
		}
		if _, ok := idx[k]; !ok {
			idx[k] = p
		}
	}
	return idx, nil
}

func isSchema(root *yaml.Node) bool {
	rel := yamlpos.Map(root, "release")
	return rel != nil && rel.Kind == yaml.MappingNode &&
		(yamlpos.Map(root, "components") != nil || yamlpos.Map(root, "infrastructure") != nil)
}

// scan collects every digest-pinned reference anywhere in the document.
func (m *Manifest) scan(n *yaml.Node, lines *yamlpos.Lines) {
	if n == nil || n.Kind == yaml.AliasNode {
		return
	}
	if n.Kind == yaml.ScalarNode {
		if r, ok := image.ParsePinned(n.Value); ok {
			m.Pins = append(m.Pins, Pin{Component: r.Path, Image: n.Value, Ref: r, Line: lines.Line(n)})
		}
		return
	}
	for _, c := range n.Content {
		m.scan(c, lines)
	}
}

func str(n *yaml.Node, key string) string {
	v, _ := yamlpos.Scalar(yamlpos.Map(n, key))
	return v
}

func errAt(path string, n *yaml.Node, format string, a ...any) error {
	return yamlpos.Errorf(path, n.Line, "%s", fmt.Sprintf(format, a...))
}
