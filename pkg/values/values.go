package values

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"helm.sh/helm/v3/pkg/chartutil"

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
	Key        string     `json:"key"` // dotted path, e.g. services.authority.image, sidecars[0].image
	Convention Convention `json:"convention"`
	Ref        image.Ref  `json:"ref"` // effective reference, as Helm reads it (global.imageRegistry applied)
	Line       int        `json:"line"`
	// File is the file Line is in: the values file, or for Merge the last
	// layer that writes the value (digest, else tag, else name or string).
	File string `json:"file,omitempty"`

	path                   []string   // path segments ("[0]" for list items)
	node                   *yaml.Node // string scalar (located), or the image map
	tag, digest, nameField *yaml.Node // located fields of a map image
	tagDigest              bool       // the digest is written inside the tag
	reads                  []*yaml.Node
}

// File is a parsed values file.
type File struct {
	Path           string
	Data           []byte
	GlobalRegistry string
	Images         []Image // in key order
	Warnings       []string
	// Values are the merged values of Merge (nil for a parsed file).
	Values map[string]any

	root        *yaml.Node           // first document: the only one Helm reads
	vals        map[string]any       // the values Helm reads from root (read-only)
	layers      []*File              // Merge: the -f files in Helm's order
	owner       map[*yaml.Node]*File // Merge: the layer each located node is in
	digestField bool                 // some map-style image here has a digest field
	lines       *yamlpos.Lines
	finder      yamlpos.Finder // locate looks every image's path up from the root
}

// Load reads and parses a values file.
func Load(path string) (*File, error) {
	data, err := yamlpos.ReadFile("values", path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse finds every image reference in data; path is used in messages.
// What an image is comes from Helm's own reading (chartutil.ReadValues:
// go-yaml v2 through sigs.k8s.io/yaml, aliases and merge keys applied, the
// first document only): derived from the yaml.v3 node tree when the file
// uses only what effective models exactly, else read by ReadValues itself.
// The node tree also locates where each value is written, for line numbers
// and --fix.
func Parse(path string, data []byte) (*File, error) { return parse(path, data, nil, false) }

// ParseDocs is Parse of data already decoded by yamlpos.DecodeAll (by a
// caller that looked at it first: a file is parsed once); nil docs: data
// is decoded here.
func ParseDocs(path string, data []byte, docs []*yaml.Node) (*File, error) {
	return parse(path, data, docs, false)
}

// ParseAsHelm is Parse with the values always read by chartutil.ReadValues
// itself: the proof of a fix reads what it wrote with Helm's own parser.
func ParseAsHelm(path string, data []byte) (*File, error) { return parse(path, data, nil, true) }

// helmValues reads data with Helm's own values parser.
func helmValues(path string, data []byte) (map[string]any, error) {
	vals, err := chartutil.ReadValues(data)
	if err != nil {
		return nil, exit.InvalidInput("%s: Helm cannot read this values file: %v", path, oneLine(err))
	}
	return vals, nil
}

func parse(path string, data []byte, docs []*yaml.Node, helmOnly bool) (*File, error) {
	var err error
	if docs == nil {
		if docs, err = yamlpos.DecodeAll(path, data); err != nil {
			return nil, err
		}
	}
	f := &File{Path: path, Data: data, lines: yamlpos.NewLines(data)}
	if len(docs) > 0 {
		f.root = docs[0]
	}
	if f.root != nil && f.root.Kind != yaml.MappingNode {
		return nil, yamlpos.Errorf(path, f.lines.Line(f.root), "values must be a map")
	}
	for _, d := range docs[min(1, len(docs)):] {
		if d != nil {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: another YAML document: Helm reads only the first document of a values file; this one and the ones after it are ignored", path, f.lines.Line(d)))
			break
		}
	}
	vals, ok := effective(f.root, data)
	if !ok || helmOnly {
		if vals, err = helmValues(path, data); err != nil {
			return nil, err
		}
	}
	f.vals = vals
	if g, ok := vals["global"].(map[string]any); ok {
		f.GlobalRegistry, _ = g["imageRegistry"].(string)
	}
	if err := f.walk(vals, nil, ""); err != nil {
		return nil, err
	}
	if len(f.Images) == 0 {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s: no image reference found", path))
	}
	return f, nil
}

// walk visits the effective values; key is the map key v sits under (for a
// list item: the list's key). path's array is reused by siblings: an image
// keeps a copy.
func (f *File) walk(v any, path []string, key string) error {
	switch v := v.(type) {
	case map[string]any:
		if ok, err := f.mapImage(v, path); ok || err != nil {
			return err
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := f.walk(v[k], append(path, k), k); err != nil {
				return err
			}
		}
	case []any:
		for i, c := range v {
			if err := f.walk(c, append(path, "["+strconv.Itoa(i)+"]"), key); err != nil {
				return err
			}
		}
	case string:
		return f.stringImage(key, v, path)
	}
	return nil
}

// stringImage records a plain-string image under an image key (or in a list
// under an images key), or any string pinned by digest.
func (f *File) stringImage(key, s string, path []string) error {
	if s == "" {
		return nil
	}
	r, pinned := image.ParsePinned(s)
	if !pinned {
		if !imageKey(key) {
			return nil
		}
		var err error
		if r, err = image.Parse(s); err != nil {
			n, _ := f.locate(path)
			if strings.Contains(s, "@") {
				return yamlpos.Errorf(f.Path, f.lines.Line(n), "%s: %v", keyOf(path), err)
			}
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: %s is not an image reference, skipped", f.Path, f.lines.Line(n), keyOf(path)))
			return nil
		}
	}
	img := Image{Key: keyOf(path), Convention: String, Ref: r, path: slices.Clone(path)}
	img.node, img.reads = f.find(path)
	img.File, img.Line = f.pos(img.node)
	f.Images = append(f.Images, img)
	return nil
}

// locate finds the node Helm takes the value at path from (go-yaml v2
// semantics), and every node consulted on the way.
func (f *File) locate(path []string) (*yaml.Node, []*yaml.Node) {
	n := yamlpos.Resolve(f.root)
	var reads []*yaml.Node
	for _, seg := range path {
		if n == nil {
			return nil, reads
		}
		if strings.HasPrefix(seg, "[") {
			var i int
			if _, err := fmt.Sscanf(seg, "[%d]", &i); err != nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return nil, reads
			}
			n = yamlpos.Resolve(n.Content[i])
			continue
		}
		var via []*yaml.Node
		n, via = f.finder.Lookup(n, seg, yamlpos.V2)
		reads = append(reads, via...)
	}
	if n != nil {
		reads = append(reads, n)
	}
	return n, reads
}

func imageKey(k string) bool {
	k = strings.ToLower(k)
	return strings.HasSuffix(k, "image") || strings.HasSuffix(k, "images")
}

func keyOf(path []string) string {
	var b strings.Builder
	for _, s := range path {
		if b.Len() > 0 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }
