package values

import (
	"fmt"
	"sort"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// Request asks for one image of the file to be re-pinned.
type Request struct {
	Image  Image
	Digest string // new digest
	Tag    string // new tag, "" to keep the tag
	Owner  string // name in messages (default: the image's key)
}

func (r Request) owner() string {
	if r.Owner != "" {
		return r.Owner
	}
	return r.Image.Key
}

// PinAll plans every request at once. A value several images read (an
// anchor, an alias, a merged map) is edited once when they all need the same
// new content; when they need different ones, or when an edit would change
// an image nobody asked to change, the plan is refused (exit 4) naming both
// images. The new bytes are re-read as Helm reads them before the edits are
// returned: every requested image must then pin its digest, every other
// image must read exactly as before.
func (f *File) PinAll(reqs []Request) ([]yamlpos.Edit, error) {
	var all []edit
	for _, r := range reqs {
		es, err := f.pin(r)
		if err != nil {
			return nil, err
		}
		all = append(all, es...)
	}
	all, err := f.dedupe(all)
	if err != nil {
		return nil, err
	}
	out := make([]yamlpos.Edit, len(all))
	for i, e := range all {
		out[i] = e.Edit
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, f.prove(reqs, all, out)
}

// dedupe keeps one of identical edits and refuses different edits of one value.
func (f *File) dedupe(all []edit) ([]edit, error) {
	sort.SliceStable(all, func(i, j int) bool { return all[i].scope.Start < all[j].scope.Start })
	var kept []edit
	for _, e := range all {
		if n := len(kept); n > 0 {
			p := kept[n-1]
			same := p.Edit == e.Edit && p.scope == e.scope
			overlap := e.scope.Start < p.scope.End || (e.scope == p.scope)
			if same {
				continue
			}
			if overlap {
				return nil, f.conflict(f.lines.LineAt(e.scope.Start), p.owner, e.owner)
			}
		}
		kept = append(kept, e)
	}
	return kept, nil
}

func (f *File) conflict(line int, a, b string) error {
	if a == b {
		return yamlpos.Errorf(f.Path, line, "%s: two edits of one value; fix it by hand; nothing written", a)
	}
	return yamlpos.Errorf(f.Path, line, "%s and %s read this value (an anchor, alias or merge key) but need different content; split it by hand; nothing written", a, b)
}

// prove re-reads the edited bytes as Helm does and checks the outcome.
func (f *File) prove(reqs []Request, all []edit, edits []yamlpos.Edit) error {
	data, err := yamlpos.Apply(f.Data, edits)
	if err != nil {
		return exit.InvalidInput("%s: %v", f.Path, err)
	}
	next, err := Parse(f.Path, data)
	if err != nil {
		return fmt.Errorf("%s: the rewritten file does not parse: %w", f.Path, err)
	}
	now := map[string]Image{}
	for _, img := range next.Images {
		now[img.Key] = img
	}
	asked := map[string]Request{}
	for _, r := range reqs {
		asked[r.Image.Key] = r
	}
	for _, old := range f.Images {
		got, ok := now[old.Key]
		r, want := asked[old.Key]
		switch {
		case want && (!ok || got.Ref.Digest != r.Digest):
			return yamlpos.Errorf(f.Path, old.Line, "%s: Helm would still read %s after the edit; fix it by hand; nothing written", r.owner(), refOr(got, ok))
		case !want && (!ok || got.Ref.String() != old.Ref.String()):
			return f.conflict(old.Line, culprit(old, all), old.Key)
		}
	}
	return nil
}

// culprit names the requested image whose edit wrote a node img reads.
func culprit(img Image, all []edit) string {
	for _, e := range all {
		for _, n := range img.reads {
			if n == e.node {
				return e.owner
			}
		}
	}
	if len(all) > 0 {
		return all[0].owner
	}
	return "another image"
}

func refOr(img Image, ok bool) string {
	if !ok {
		return "no image"
	}
	return img.Ref.String()
}
