package values

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// mapImage recognises a map-style image at n and records it.
func (f *File) mapImage(n *yaml.Node, path string) (bool, error) {
	img := Image{Key: path, node: n, Line: n.Line}
	field := func(k string) *yaml.Node {
		v := yamlpos.Map(n, k)
		if _, ok := yamlpos.Scalar(v); !ok {
			return nil
		}
		return v
	}
	reg, tag, dig := field("registry"), field("tag"), field("digest")
	switch {
	case field("repository") != nil && !strings.Contains(field("repository").Value, "://"):
		img.Convention, img.nameField = RepositoryMap, field("repository")
	case field("image") != nil && (reg != nil || tag != nil || dig != nil):
		img.Convention, img.nameField = ImageMap, field("image")
	default:
		return false, nil
	}
	if img.nameField.Value == "" {
		return false, nil
	}
	img.tag, img.digest, img.keyNode = tag, dig, n.Content[0]
	if dig != nil {
		f.digestField = true
	}
	ref, err := f.compose(&img, reg)
	if err != nil {
		return true, err
	}
	img.Ref = ref
	switch {
	case dig != nil:
		img.Line = dig.Line
	case tag != nil:
		img.Line = tag.Line
	default:
		img.Line = img.nameField.Line
	}
	f.Images = append(f.Images, img)
	return true, nil
}

// compose builds the reference a chart renders from a map-style image.
func (f *File) compose(img *Image, reg *yaml.Node) (image.Ref, error) {
	s := img.nameField.Value
	registry := ""
	if reg != nil {
		registry = reg.Value
	}
	if f.GlobalRegistry != "" {
		registry = f.GlobalRegistry
	}
	if registry != "" {
		s = strings.TrimSuffix(registry, "/") + "/" + s
	}
	at := img.nameField
	if img.tag != nil && img.tag.Value != "" {
		s += ":" + img.tag.Value
		img.tagDigest = strings.Contains(img.tag.Value, "@")
		at = img.tag
	}
	if img.digest != nil && img.digest.Value != "" {
		if err := image.ValidDigest(img.digest.Value); err != nil {
			return image.Ref{}, yamlpos.Errorf(f.Path, img.digest.Line, "%s.digest: %v", img.Key, err)
		}
		if img.tagDigest {
			return image.Ref{}, yamlpos.Errorf(f.Path, img.digest.Line, "%s: digest both in tag and digest fields", img.Key)
		}
		s += "@" + img.digest.Value
	}
	r, err := image.Parse(s)
	if err != nil {
		return image.Ref{}, yamlpos.Errorf(f.Path, at.Line, "%s: %v", img.Key, err)
	}
	return r, nil
}
