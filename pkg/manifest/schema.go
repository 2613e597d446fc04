package manifest

import (
	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// readSchema reads release{}, components[] and infrastructure{}.
func (m *Manifest) readSchema(root *yaml.Node) error {
	rel := yamlpos.Map(root, "release")
	m.Version, m.Channel, m.Date = str(rel, "version"), str(rel, "channel"), str(rel, "date")
	if comps := yamlpos.Map(root, "components"); comps != nil {
		if comps.Kind != yaml.SequenceNode {
			return errAt(m.Path, comps, "components: want a list of {name, image}")
		}
		for _, c := range comps.Content {
			if err := m.addPin(c, str(c, "name"), false); err != nil {
				return err
			}
		}
	}
	if infra := yamlpos.Map(root, "infrastructure"); infra != nil {
		if infra.Kind != yaml.MappingNode {
			return errAt(m.Path, infra, "infrastructure: want a map of name: {image}")
		}
		for i := 0; i+1 < len(infra.Content); i += 2 {
			if err := m.addPin(infra.Content[i+1], infra.Content[i].Value, true); err != nil {
				return err
			}
		}
	}
	seen := map[string]int{}
	for _, p := range m.Pins {
		if line, dup := seen[p.Component]; dup {
			return errAt(m.Path, &yaml.Node{Line: p.Line}, "component %q already pinned at line %d", p.Component, line)
		}
		seen[p.Component] = p.Line
	}
	return nil
}

func (m *Manifest) addPin(n *yaml.Node, name string, infra bool) error {
	if n.Kind != yaml.MappingNode {
		return errAt(m.Path, n, "want a map {name, image}")
	}
	if name == "" {
		return errAt(m.Path, n, "component without a name")
	}
	imgNode := yamlpos.Map(n, "image")
	raw := str(n, "image")
	if imgNode == nil || raw == "" {
		return errAt(m.Path, n, "component %q has no image", name)
	}
	r, err := image.Parse(raw)
	if err != nil {
		return errAt(m.Path, imgNode, "component %q: %v", name, err)
	}
	if !r.Pinned() {
		return errAt(m.Path, imgNode, "component %q: image %q is not pinned by digest", name, raw)
	}
	m.Pins = append(m.Pins, Pin{Component: name, Image: raw, Ref: r, Infrastructure: infra, Line: imgNode.Line})
	return nil
}
