package compose

import (
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// source is one compose file's bytes and yaml.v3 documents.
type source struct {
	path  string
	data  []byte
	docs  []*yaml.Node
	lines *yamlpos.Lines
	find  yamlpos.Finder // one services lookup per service: indexed, not scanned
}

func newSource(path string, data []byte) (*source, error) {
	docs, err := yamlpos.DecodeAll(path, data)
	if err != nil {
		return nil, err
	}
	return sourceOf(path, data, docs), nil
}

// sourceOf is the source of data already decoded (yamlpos.DecodeAll).
func sourceOf(path string, data []byte, docs []*yaml.Node) *source {
	var kept []*yaml.Node
	for _, d := range docs {
		if d != nil {
			kept = append(kept, d)
		}
	}
	return &source{path: path, data: data, docs: kept, lines: yamlpos.NewLines(data)}
}

// config is the file decoded for compose-go when that is exactly what
// compose-go's own decoder would produce: one document, no custom tags
// (!reset, !override are compose-go's own processing). Else nil: compose-go
// parses the bytes itself.
func (s *source) config() map[string]any {
	if len(s.docs) != 1 || customTags(s.docs[0]) {
		return nil
	}
	var m map[string]any
	if err := s.docs[0].Decode(&m); err != nil {
		return nil
	}
	return m
}

func customTags(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if n.Tag != "" && n.Tag != "!!merge" && (len(n.Tag) < 2 || n.Tag[:2] != "!!") {
		return true
	}
	for _, c := range n.Content {
		if customTags(c) {
			return true
		}
	}
	return false
}

// maxExtends bounds an extends chain (compose-go refuses cycles itself).
const maxExtends = 16

// locate finds where service name's image is written: in the last document
// of path that writes it (compose merges documents in order), following x-
// anchors and merge keys (yaml.v3 semantics, as compose-go reads them), then
// its extends base, in this file or another one.
func (f *File) locate(path, name string, depth int) (*source, *yaml.Node) {
	src := f.source(path)
	if src == nil || depth > maxExtends {
		return nil, nil
	}
	var ext *yaml.Node
	for i := len(src.docs) - 1; i >= 0; i-- {
		svc, _ := src.find.Lookup(yamlpos.Map(src.docs[i], "services"), name, yamlpos.V3)
		if img, _ := yamlpos.Lookup(svc, "image", yamlpos.V3); img != nil && img.Kind == yaml.ScalarNode {
			return src, img
		}
		if e, _ := yamlpos.Lookup(svc, "extends", yamlpos.V3); e != nil && ext == nil {
			ext = e
		}
	}
	if ext == nil {
		return nil, nil
	}
	base, file := ext.Value, ""
	if ext.Kind == yaml.MappingNode {
		b, _ := yamlpos.Lookup(ext, "service", yamlpos.V3)
		fl, _ := yamlpos.Lookup(ext, "file", yamlpos.V3)
		if b == nil {
			return nil, nil
		}
		base = b.Value
		if fl != nil {
			file = fl.Value
		}
	}
	next := path
	if file != "" {
		next = file
		if !filepath.IsAbs(file) {
			next = filepath.Join(filepath.Dir(path), file)
		}
	}
	return f.locate(next, base, depth+1)
}

// source returns the parsed file at path (read once), nil when unreadable.
func (f *File) source(path string) *source {
	if s, ok := f.sources[path]; ok {
		return s
	}
	f.sources[path] = nil
	data, err := yamlpos.ReadFile("compose", path)
	if err != nil {
		return nil
	}
	s, err := newSource(path, data)
	if err != nil {
		return nil
	}
	f.sources[path] = s
	return s
}

// model is imageModel(s.config()), read straight from the nodes when that is
// exactly the same (decoding the whole file was most of the rest of a
// load): one document without aliases, merge keys or explicit tags, every
// key a string. Else the decoded file, cut down.
func (s *source) model() map[string]any {
	if len(s.docs) != 1 || !plainTree(s.docs[0]) {
		return imageModel(s.config())
	}
	services := yamlpos.Map(s.docs[0], "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return imageModel(s.config())
	}
	cut := make(map[string]any, len(services.Content)/2)
	for i := 0; i+1 < len(services.Content); i += 2 {
		name, svc := services.Content[i].Value, services.Content[i+1]
		if svc.Kind != yaml.MappingNode {
			return imageModel(s.config())
		}
		keep := map[string]any{}
		for j := 0; j+1 < len(svc.Content); j += 2 {
			if k := svc.Content[j].Value; k == "image" || k == "extends" {
				v, ok := nodeValue(svc.Content[j+1])
				if !ok {
					return imageModel(s.config())
				}
				keep[k] = v
			}
		}
		cut[name] = keep
	}
	return map[string]any{"services": cut}
}

// plainTree: no alias, merge key or explicit tag anywhere, every mapping
// key a string scalar (yaml.v3 then decodes the file without error, and
// each node as it decodes alone).
func plainTree(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Style&yaml.TaggedStyle != 0 {
		return false
	}
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 && (c.Kind != yaml.ScalarNode || c.ShortTag() != "!!str") {
			return false
		}
		if !plainTree(c) {
			return false
		}
	}
	return true
}

// nodeValue is n decoded by yaml.v3 (a string scalar without a decoder).
func nodeValue(n *yaml.Node) (any, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		return n.Value, true
	}
	var v any
	return v, n.Decode(&v) == nil
}
