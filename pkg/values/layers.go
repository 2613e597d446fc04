package values

import (
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
	"go.yaml.in/yaml/v3"
)

// Merge merges parsed values files as Helm merges `-f a -f b` (b's value
// wins; maps merge key by key) and finds the images of the result. Each
// image is located (File, Line) in the last file that writes the value a
// drift finding is about: its digest field, else its tag, else its name —
// for a string image, the string. The result is read-only: it has no bytes
// to edit (Values holds the merged values as Helm passes them to the chart).
func Merge(label string, files []*File) (*File, error) {
	merged := map[string]any{}
	for _, l := range files {
		vals := l.vals // as Parse read them; mergeMaps copies what it changes
		if vals == nil {
			var err error
			if vals, err = helmValues(l.Path, l.Data); err != nil {
				return nil, err
			}
		}
		merged = mergeMaps(merged, vals)
	}
	f := &File{Path: label, Values: merged, layers: files, lines: yamlpos.NewLines(nil), owner: map[*yaml.Node]*File{}}
	if g, ok := merged["global"].(map[string]any); ok {
		f.GlobalRegistry, _ = g["imageRegistry"].(string)
	}
	if err := f.walk(merged, nil, ""); err != nil {
		return nil, err
	}
	return f, nil
}

// mergeMaps is helm.sh/helm/v3/pkg/cli/values' merge of -f files: b's
// keys override a's, maps are merged recursively, anything else replaces.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(am, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// find locates the node Helm takes the value at path from: in f, or for a
// merge in the last layer that writes path.
func (f *File) find(path []string) (*yaml.Node, []*yaml.Node) {
	for i := len(f.layers) - 1; i >= 0; i-- {
		if n, reads := f.layers[i].locate(path); n != nil {
			f.owner[n] = f.layers[i]
			return n, reads
		}
	}
	return f.locate(path)
}

// pos is the file and line node n is written at.
func (f *File) pos(n *yaml.Node) (string, int) {
	if src, ok := f.owner[n]; ok {
		return src.Path, src.lines.Line(n)
	}
	return f.Path, f.lines.Line(n)
}

func (f *File) path(n *yaml.Node) string { p, _ := f.pos(n); return p }
func (f *File) line(n *yaml.Node) int    { _, l := f.pos(n); return l }

// Layers names merged files for messages: "a.yaml + b.yaml".
func Layers(paths []string) string { return strings.Join(paths, " + ") }
