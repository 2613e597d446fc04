package compose

import (
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// Pin returns the surgical edit that makes s pin digest in the raw file:
// the literal digest is replaced (or "@sha256:…" appended), a literal tag is
// replaced by tag when tag is not empty, and ${VAR} parts stay as written.
func (f *File) Pin(s Service, digest, tag string) ([]yamlpos.Edit, error) {
	if s.node == nil {
		return nil, yamlpos.Errorf(f.Path, s.Line, "services.%s.image is not written in this file; fix it where it is defined", s.Name)
	}
	span, ok := f.lines.ScalarSpan(s.node)
	if !ok {
		return nil, yamlpos.Errorf(f.Path, s.Line, "services.%s.image: cannot edit an escaped or block scalar surgically; fix it by hand", s.Name)
	}
	v, err := image.Repin(s.node.Value, digest, tag)
	if err != nil {
		return nil, yamlpos.Errorf(f.Path, s.Line, "services.%s.image: %v", s.Name, err)
	}
	if v == s.node.Value {
		return nil, nil
	}
	return []yamlpos.Edit{yamlpos.Replace(span.Start, s.node.Value, v)}, nil
}
