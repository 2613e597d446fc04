package values

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// mapImage recognises a map-style image at m (effective values, path) and
// records it with the nodes its fields are read from.
func (f *File) mapImage(m map[string]any, path []string) (bool, error) {
	str := func(k string) (string, bool) { s, ok := m[k].(string); return s, ok }
	name, conv := "", Convention("")
	_, hasReg := str("registry")
	tag, hasTag := scalarString(m["tag"])
	dig, hasDig := str("digest")
	if repo, ok := str("repository"); ok && !strings.Contains(repo, "://") {
		name, conv = repo, RepositoryMap
	} else if im, ok := str("image"); ok && (hasReg || hasTag || hasDig) {
		name, conv = im, ImageMap
	}
	if name == "" {
		return false, nil
	}
	path = slices.Clone(path) // walk reuses its array
	img := Image{Key: keyOf(path), Convention: conv, path: path}
	img.node, img.reads = f.find(path)
	field := func(k string) *yaml.Node {
		if f.layers != nil { // the field may be written by another layer than the map
			n, via := f.find(append(path[:len(path):len(path)], k))
			img.reads = append(img.reads, via...)
			return n
		}
		n, via := yamlpos.Lookup(img.node, k, yamlpos.V2)
		img.reads = append(img.reads, via...)
		if n != nil {
			img.reads = append(img.reads, n)
		}
		return n
	}
	nameKey := "repository"
	if conv == ImageMap {
		nameKey = "image"
	}
	img.nameField = field(nameKey)
	field("registry")
	if hasTag {
		img.tag = field("tag")
	}
	if hasDig {
		img.digest = field("digest")
		f.digestField = true
	}
	reg, _ := str("registry")
	ref, err := f.compose(&img, name, reg, tag, hasTag, dig, hasDig)
	if err != nil {
		return true, err
	}
	img.Ref = ref
	switch {
	case img.digest != nil:
		img.File, img.Line = f.pos(img.digest)
	case img.tag != nil:
		img.File, img.Line = f.pos(img.tag)
	default:
		img.File, img.Line = f.pos(img.nameField)
	}
	f.Images = append(f.Images, img)
	return true, nil
}

// scalarString is a scalar value as a template prints it ({{ .tag }}):
// go-yaml v2 reads "tag: 1.10" as the number 1.1, and so does Helm.
func scalarString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case nil, map[string]any, []any:
		return "", false
	default:
		return fmt.Sprint(v), true
	}
}

// compose builds the reference a chart renders from a map-style image.
func (f *File) compose(img *Image, name, registry, tag string, hasTag bool, dig string, hasDig bool) (image.Ref, error) {
	s := name
	if f.GlobalRegistry != "" {
		registry = f.GlobalRegistry
	}
	if registry != "" {
		s = strings.TrimSuffix(registry, "/") + "/" + s
	}
	at := img.nameField
	if hasTag && tag != "" {
		s += ":" + tag
		img.tagDigest = strings.Contains(tag, "@")
		at = img.tag
	}
	if hasDig && dig != "" {
		if err := image.ValidDigest(dig); err != nil {
			return image.Ref{}, yamlpos.Errorf(f.path(img.digest), f.line(img.digest), "%s.digest: %v", img.Key, err)
		}
		if img.tagDigest {
			return image.Ref{}, yamlpos.Errorf(f.path(img.digest), f.line(img.digest), "%s: digest both in tag and digest fields", img.Key)
		}
		s += "@" + dig
	}
	r, err := image.Parse(s)
	if err != nil {
		return image.Ref{}, yamlpos.Errorf(f.path(at), f.line(at), "%s: %v", img.Key, err)
	}
	return r, nil
}
