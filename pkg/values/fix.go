package values

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// Pin returns the surgical edits that make img pin digest (and carry tag,
// when tag is not empty and img has a literal tag). Rule for a map-style
// image without any digest: a digest field is inserted after the tag line
// when this file's convention has digest fields (another map image here uses
// one, or there is no tag to extend), else "@sha256:…" is appended to the tag.
func (f *File) Pin(img Image, digest, tag string) ([]yamlpos.Edit, error) {
	if img.Convention == String {
		e, err := f.rescalar(img, img.node, func(v string) (string, error) { return image.Repin(v, digest, tag) })
		return e, err
	}
	switch {
	case img.tagDigest:
		return f.rescalar(img, img.tag, func(v string) (string, error) { return image.Repin(img.Ref.Name()+":"+v, digest, tag) })
	case img.digest != nil:
		edits, err := f.rescalar(img, img.digest, func(string) (string, error) { return digest, nil })
		if err != nil || tag == "" || img.tag == nil {
			return edits, err
		}
		more, err := f.rescalar(img, img.tag, func(string) (string, error) { return tag, nil })
		return append(edits, more...), err
	case img.tag != nil && (!f.digestField || img.node.Style&yaml.FlowStyle != 0):
		return f.rescalar(img, img.tag, func(v string) (string, error) {
			if tag != "" {
				v = tag
			}
			return v + "@" + digest, nil
		})
	case img.node.Style&yaml.FlowStyle == 0:
		return f.insertDigest(img, digest, tag)
	}
	return nil, yamlpos.Errorf(f.Path, img.Line, "%s: cannot add a digest to a flow-style map without a tag; fix it by hand", img.Key)
}

// rescalar replaces the content of scalar n by next(value), minimally.
func (f *File) rescalar(img Image, n *yaml.Node, next func(string) (string, error)) ([]yamlpos.Edit, error) {
	span, ok := f.lines.ScalarSpan(n)
	if !ok {
		return nil, yamlpos.Errorf(f.Path, n.Line, "%s: cannot edit an escaped, folded or block scalar surgically; fix it by hand", img.Key)
	}
	v, err := next(n.Value)
	if err != nil {
		return nil, yamlpos.Errorf(f.Path, n.Line, "%s: %v", img.Key, err)
	}
	if img.Convention != String && img.tagDigest && n == img.tag {
		v = strings.TrimPrefix(v, img.Ref.Name()+":")
	}
	if v == n.Value {
		return nil, nil
	}
	return []yamlpos.Edit{yamlpos.Replace(span.Start, n.Value, v)}, nil
}

// insertDigest adds "digest: sha256:…" under the tag (or name) line, with
// the indentation of the map's keys and the quoting of its tag.
func (f *File) insertDigest(img Image, digest, tag string) ([]yamlpos.Edit, error) {
	var edits []yamlpos.Edit
	after, quote := img.nameField, ""
	if img.tag != nil {
		after = img.tag
		if tag != "" {
			e, err := f.rescalar(img, img.tag, func(string) (string, error) { return tag, nil })
			if err != nil {
				return nil, err
			}
			edits = append(edits, e...)
		}
	}
	switch {
	case after.Style&yaml.DoubleQuotedStyle != 0:
		quote = `"`
	case after.Style&yaml.SingleQuotedStyle != 0:
		quote = `'`
	}
	at := f.lines.LineEnd(after.Line)
	text := strings.Repeat(" ", img.keyNode.Column-1) + "digest: " + quote + digest + quote + "\n"
	if at == len(f.Data) && (len(f.Data) == 0 || f.Data[len(f.Data)-1] != '\n') {
		text = "\n" + strings.TrimSuffix(text, "\n")
	}
	return append(edits, yamlpos.Edit{Start: at, End: at, Text: text}), nil
}
