package values

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// edit is one planned change with what it writes and on whose behalf.
type edit struct {
	yamlpos.Edit
	scope yamlpos.Span // the scalar rewritten, or the insertion point
	node  *yaml.Node   // the scalar rewritten, or the map a field is added to
	owner string
}

// Pin returns the surgical edits that make img pin digest (and carry tag,
// when tag is not empty and img has a literal tag). Rule for a map-style
// image without any digest: a digest field is inserted after the tag line
// (after the last merge key "<<", which go-yaml v2 applies in order) when
// this file's convention has digest fields (another map image here uses
// one, or there is no tag to extend), else "@sha256:…" is appended to the tag.
func (f *File) Pin(img Image, digest, tag string) ([]yamlpos.Edit, error) {
	return f.PinAll([]Request{{Image: img, Digest: digest, Tag: tag}})
}

func (f *File) pin(r Request) ([]edit, error) {
	img, digest, tag := r.Image, r.Digest, r.Tag
	if img.node == nil {
		return nil, yamlpos.Errorf(f.Path, img.Line, "%s: cannot find where this value is written; fix it by hand", img.Key)
	}
	if img.Convention == String {
		return f.rescalar(r, img.node, func(v string) (string, error) { return image.Repin(v, digest, tag) })
	}
	flow := img.node.Style&yaml.FlowStyle != 0
	switch {
	case img.tagDigest:
		return f.rescalar(r, img.tag, func(v string) (string, error) {
			s, err := image.Repin(img.Ref.Name()+":"+v, digest, tag)
			return strings.TrimPrefix(s, img.Ref.Name()+":"), err
		})
	case img.digest != nil:
		edits, err := f.rescalar(r, img.digest, func(string) (string, error) { return digest, nil })
		if err != nil || tag == "" || img.tag == nil {
			return edits, err
		}
		more, err := f.rescalar(r, img.tag, func(string) (string, error) { return tag, nil })
		return append(edits, more...), err
	case img.tag != nil && (!f.digestField || flow):
		return f.rescalar(r, img.tag, func(v string) (string, error) {
			if tag != "" {
				v = tag
			}
			return v + "@" + digest, nil
		})
	case !flow:
		return f.insertDigest(r)
	}
	return nil, yamlpos.Errorf(f.Path, img.Line, "%s: cannot add a digest to a flow-style map without a tag; fix it by hand", img.Key)
}

// rescalar replaces the content of scalar n by next(value), minimally.
func (f *File) rescalar(r Request, n *yaml.Node, next func(string) (string, error)) ([]edit, error) {
	span, ok := f.lines.ScalarSpan(n)
	if !ok {
		return nil, yamlpos.Errorf(f.Path, f.lines.Line(n), "%s: cannot edit an escaped, folded or block scalar surgically; fix it by hand", r.Image.Key)
	}
	v, err := next(n.Value)
	if err != nil {
		return nil, yamlpos.Errorf(f.Path, f.lines.Line(n), "%s: %v", r.Image.Key, err)
	}
	if v == n.Value {
		return nil, nil
	}
	return []edit{{Edit: yamlpos.Replace(span.Start, n.Value, v), scope: span, node: n, owner: r.owner()}}, nil
}

// insertDigest adds "digest: sha256:…" to the image's map: under its tag (or
// name) line, or under its last merge key when one follows (go-yaml v2 lets
// a later merge override an earlier key), with the indentation of the map's
// keys, the quoting of its tag and the line ending of the line above.
func (f *File) insertDigest(r Request) ([]edit, error) {
	img, m := r.Image, r.Image.node
	var after *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		switch {
		case yamlpos.IsMerge(k):
			if v.Line != k.Line || (v.Kind != yaml.AliasNode && v.Style&yaml.FlowStyle == 0) {
				return nil, yamlpos.Errorf(f.Path, f.lines.Line(k), "%s: cannot add a digest after a multi-line merge key; fix it by hand", img.Key)
			}
			after = k
		case yamlpos.Resolve(v) == img.tag && img.tag != nil, img.tag == nil && yamlpos.Resolve(v) == img.nameField:
			after = v
		}
	}
	if after == nil {
		return nil, yamlpos.Errorf(f.Path, img.Line, "%s: cannot find where to add a digest; fix it by hand", img.Key)
	}
	var edits []edit
	if img.tag != nil && r.Tag != "" {
		e, err := f.rescalar(r, img.tag, func(string) (string, error) { return r.Tag, nil })
		if err != nil {
			return nil, err
		}
		edits = append(edits, e...)
	}
	quote := ""
	if q := img.tag; q != nil && q.Style&yaml.DoubleQuotedStyle != 0 {
		quote = `"`
	} else if q != nil && q.Style&yaml.SingleQuotedStyle != 0 {
		quote = `'`
	}
	off := f.lines.Offset(after.Line, after.Column)
	at, eol := f.lines.LineEnd(off), f.lines.EOL(off)
	text := strings.Repeat(" ", m.Content[0].Column-1) + "digest: " + quote + r.Digest + quote + eol
	if at == len(f.Data) && (len(f.Data) == 0 || f.Data[len(f.Data)-1] != '\n') {
		text = eol + strings.TrimSuffix(text, eol)
	}
	ins := edit{Edit: yamlpos.Edit{Start: at, End: at, Text: text}, scope: yamlpos.Span{Start: at, End: at}, node: m, owner: r.owner()}
	return append(edits, ins), nil
}
