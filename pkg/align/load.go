package align

import (
	"context"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/compose"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
	"github.com/stella-ops/stella-plugins/pkg/values"
)

// load reads the manifest and every target; nothing is written.
func (r *run) load(ctx context.Context) error {
	if r.release == "" {
		return exit.InvalidInput("no release manifest: pass --release or --channel")
	}
	m, err := manifest.Load(r.release)
	if err != nil {
		return err
	}
	if _, err := m.Index(r.match); err != nil {
		return err
	}
	r.manifest = m
	for _, p := range r.values {
		t, err := r.loadTarget(ctx, p, "values")
		if err != nil {
			return err
		}
		r.loaded = append(r.loaded, t)
	}
	if r.layered && len(r.loaded) > 1 {
		if err := r.merge(); err != nil {
			return err
		}
	}
	for _, p := range r.targets {
		t, err := r.loadTarget(ctx, p, "")
		if err != nil {
			return err
		}
		r.loaded = append(r.loaded, t)
	}
	return nil
}

// loadTarget reads path as kind ("" = detect: compose when it looks like one).
func (r *run) loadTarget(ctx context.Context, path, kind string) (*target, error) {
	data, err := yamlpos.ReadFile("target", path)
	if err != nil {
		return nil, err
	}
	t := &target{path: path, kind: kind}
	if kind == "" { // parsed once: the documents detected are the ones read
		if t.docs, err = yamlpos.DecodeAll(path, data); err != nil {
			if _, first := yamlpos.Decode(path, data); first != nil {
				return nil, first // as the first document reports it
			}
			return nil, err
		}
		t.kind = "values"
		if len(t.docs) > 0 && compose.Detect(t.docs[0]) {
			t.kind = "compose"
		}
	}
	warnings, err := t.parse(ctx, data, r.envFor(path))
	r.warnings = append(r.warnings, warnings...)
	return t, err
}

// parse (re)reads the target's bytes into occurrences.
func (t *target) parse(ctx context.Context, data []byte, envFiles []string) ([]string, error) {
	docs := t.docs
	t.data, t.occ, t.envFiles, t.docs = data, nil, envFiles, nil
	if t.kind == "compose" {
		env, err := compose.ReadEnv(envFiles)
		if err != nil {
			return nil, err
		}
		f, err := compose.ParseDocs(ctx, t.path, data, docs, env)
		if err != nil {
			return nil, err
		}
		for i, s := range f.Services {
			t.occ = append(t.occ, &occurrence{ref: s.Ref, file: s.File, line: s.Line, key: "services." + s.Name + ".image", idx: i})
		}
		t.pinAll = func(reqs []pinReq) ([]fileEdits, error) {
			cr := make([]compose.Request, len(reqs))
			for i, r := range reqs {
				cr[i] = compose.Request{Service: f.Services[r.idx], Digest: r.digest, Tag: r.tag, Owner: r.owner}
			}
			fes, err := f.PinAll(cr)
			out := make([]fileEdits, len(fes))
			for i, fe := range fes {
				out[i] = fileEdits{path: fe.Path, data: fe.Data, edits: fe.Edits}
			}
			return out, err
		}
		return f.Warnings, nil
	}
	read := values.ParseDocs
	if t.asHelm {
		read = func(path string, data []byte, _ []*yaml.Node) (*values.File, error) {
			return values.ParseAsHelm(path, data)
		}
	}
	f, err := read(t.path, data, docs)
	if err != nil {
		return nil, err
	}
	t.files = []*values.File{f}
	for i, img := range f.Images {
		t.occ = append(t.occ, &occurrence{ref: img.Ref, file: t.path, line: img.Line, key: img.Key, idx: i})
	}
	t.pinAll = func(reqs []pinReq) ([]fileEdits, error) {
		vr := make([]values.Request, len(reqs))
		for i, r := range reqs {
			vr[i] = values.Request{Image: f.Images[r.idx], Digest: r.digest, Tag: r.tag, Owner: r.owner}
		}
		e, err := f.PinAll(vr)
		return []fileEdits{{path: t.path, data: data, edits: e}}, err
	}
	return f.Warnings, nil
}
