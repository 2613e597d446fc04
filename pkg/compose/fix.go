package compose

import (
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// Request asks for one service's image to be re-pinned.
type Request struct {
	Service     Service
	Digest, Tag string
	Owner       string // name in messages (default services.NAME.image)
}

func (r Request) owner() string {
	if r.Owner != "" {
		return r.Owner
	}
	return "services." + r.Service.Name + ".image"
}

// FileEdits are the edits of one file (a target, or a file it extends).
type FileEdits struct {
	Path  string
	Data  []byte
	Edits []yamlpos.Edit
}

// Pin returns the surgical edit that makes s pin digest where its image is
// written (this file, an x- anchor, an extends base): the literal digest is
// replaced (or "@sha256:…" appended), a literal tag is replaced by tag when
// tag is not empty, and ${VAR} parts stay as written.
func (f *File) Pin(s Service, digest, tag string) ([]yamlpos.Edit, error) {
	fes, err := f.PinAll([]Request{{Service: s, Digest: digest, Tag: tag}})
	if err != nil || len(fes) == 0 {
		return nil, err
	}
	return fes[0].Edits, nil
}

// PinAll plans every request: an image several services read (an x- anchor,
// a shared extends base) is edited once when they need the same content,
// and refused (exit 4) naming both when they do not or when a service not
// asked for reads it too.
func (f *File) PinAll(reqs []Request) ([]FileEdits, error) {
	type planned struct {
		edit  yamlpos.Edit
		text  string
		owner string
	}
	byNode := map[*yaml.Node]planned{}
	byFile := map[string][]yamlpos.Edit{}
	for _, r := range reqs {
		s := r.Service
		if s.node == nil {
			return nil, yamlpos.Errorf(s.File, s.Line, "services.%s.image is not written in the files read; fix it where it is defined", s.Name)
		}
		src := f.sources[s.File]
		span, ok := src.lines.ScalarSpan(s.node)
		if !ok {
			return nil, yamlpos.Errorf(s.File, s.Line, "services.%s.image: cannot edit an escaped or block scalar surgically; fix it by hand", s.Name)
		}
		v, err := image.Repin(s.node.Value, r.Digest, r.Tag)
		if err != nil {
			return nil, yamlpos.Errorf(s.File, s.Line, "services.%s.image: %v", s.Name, err)
		}
		if p, ok := byNode[s.node]; ok {
			if p.text != v {
				return nil, conflict(s, p.owner, r.owner())
			}
			continue
		}
		if v == s.node.Value {
			continue
		}
		e := yamlpos.Replace(span.Start, s.node.Value, v)
		byNode[s.node] = planned{edit: e, text: v, owner: r.owner()}
		byFile[s.File] = append(byFile[s.File], e)
	}
	asked := map[string]bool{}
	for _, r := range reqs {
		asked[r.Service.Name] = true
	}
	for _, s := range f.Services {
		if p, ok := byNode[s.node]; ok && s.node != nil && !asked[s.Name] {
			return nil, conflict(s, p.owner, "services."+s.Name+".image")
		}
	}
	out := make([]FileEdits, 0, len(byFile))
	for path, es := range byFile {
		out = append(out, FileEdits{Path: path, Data: f.sources[path].data, Edits: es})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func conflict(s Service, a, b string) error {
	return yamlpos.Errorf(s.File, s.Line, "%s and %s read this image (an x- anchor, merge key or extends base) but need different content; split it by hand; nothing written", a, b)
}
