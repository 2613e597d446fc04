package values

import (
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// Convention is how an image is written in values.
type Convention string

// The conventions recognised.
const (
	String        Convention = "string"         // "registry/repo:tag@sha256:…"
	RepositoryMap Convention = "repository-map" // {registry?, repository, tag?, digest?}
	ImageMap      Convention = "image-map"      // {registry?, image, tag?, digest?}
)

// Image is one image reference found in a values file.
type Image struct {
	Key        string     `json:"key"` // dotted path, e.g. services.authority.image
	Convention Convention `json:"convention"`
	Ref        image.Ref  `json:"ref"` // effective reference (global.imageRegistry applied)
	Line       int        `json:"line"`

	node                   *yaml.Node // string scalar or the map
	keyNode                *yaml.Node // key of the first field of a map (for indentation)
	tag, digest, nameField *yaml.Node
	tagDigest              bool // the digest is written inside the tag
}

// File is a parsed values file.
type File struct {
	Path           string
	Data           []byte
	GlobalRegistry string
	Images         []Image
	Warnings       []string

	digestField bool // some map-style image here has a digest field
	lines       *yamlpos.Lines
}

// Load reads and parses a values file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, exit.InvalidInput("values: %w", err)
	}
	return Parse(path, data)
}

// Parse finds every image reference in data; path is used in messages.
func Parse(path string, data []byte) (*File, error) {
	root, err := yamlpos.Decode(path, data)
	if err != nil {
		return nil, err
	}
	f := &File{Path: path, Data: data, lines: yamlpos.NewLines(data)}
	if root != nil && root.Kind != yaml.MappingNode {
		return nil, yamlpos.Errorf(path, root.Line, "values must be a map")
	}
	f.GlobalRegistry, _ = yamlpos.Scalar(yamlpos.Map(yamlpos.Map(root, "global"), "imageRegistry"))
	if err := f.walk(root, ""); err != nil {
		return nil, err
	}
	if len(f.Images) == 0 {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s: no image reference found", path))
	}
	return f, nil
}

func (f *File) walk(n *yaml.Node, path string) error {
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		for i, c := range n.Content {
			if err := f.walk(c, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case n.Kind == yaml.MappingNode:
		if ok, err := f.mapImage(n, path); ok || err != nil {
			return err
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			if v.Kind == yaml.ScalarNode {
				if err := f.stringImage(k.Value, v, p); err != nil {
					return err
				}
				continue
			}
			if err := f.walk(v, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// stringImage records a plain-string image under an image key, or any
// string pinned by digest.
func (f *File) stringImage(key string, v *yaml.Node, path string) error {
	s, ok := yamlpos.Scalar(v)
	if !ok || s == "" || v.Tag != "!!str" {
		return nil
	}
	if r, pinned := image.ParsePinned(s); pinned {
		f.Images = append(f.Images, Image{Key: path, Convention: String, Ref: r, Line: v.Line, node: v})
		return nil
	}
	if !imageKey(key) {
		return nil
	}
	r, err := image.Parse(s)
	if err != nil {
		if strings.Contains(s, "@") {
			return yamlpos.Errorf(f.Path, v.Line, "%s: %v", path, err)
		}
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: %s is not an image reference, skipped", f.Path, v.Line, path))
		return nil
	}
	f.Images = append(f.Images, Image{Key: path, Convention: String, Ref: r, Line: v.Line, node: v})
	return nil
}

func imageKey(k string) bool { return strings.HasSuffix(strings.ToLower(k), "image") }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
