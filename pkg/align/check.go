package align

import (
	"cmp"
	"slices"

	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
)

// check computes the findings of every target and the compatibility matrix.
func (r *run) check() []Finding {
	idx, _ := r.manifest.Index(r.match) // validated by load
	n := 0
	for _, t := range r.loaded {
		n += len(t.occ) // one finding each; missing ones are few
	}
	out := make([]Finding, 0, n)
	for _, t := range r.loaded {
		from := len(out)
		out = r.appendFindings(out, t.path, t.occ, idx, "")
		for i := from; i < len(out) && t.kind == "values"; i++ {
			if out[i].occ != nil {
				out[i].ValuesFile, out[i].ValuesLine = out[i].occ.file, out[i].occ.line
			}
		}
	}
	return append(out, r.compat()...)
}

// checkTarget is the pure comparison of one target's references with the
// manifest: aligned, mismatch, unpinned, unknown, then missing.
func (r *run) checkTarget(path string, occ []*occurrence, idx map[string]manifest.Pin, source string) []Finding {
	return r.appendFindings(make([]Finding, 0, len(occ)), path, occ, idx, source)
}

// appendFindings appends checkTarget's findings to out.
func (r *run) appendFindings(out []Finding, path string, occ []*occurrence, idx map[string]manifest.Pin, source string) []Finding {
	seen := make(map[string]bool, len(occ))
	for _, o := range occ {
		ref := r.regmap.Apply(o.ref)
		if r.ignored(ref) || r.ignored(o.ref) {
			continue
		}
		key := r.match.Key(ref)
		f := Finding{Channel: r.channelName(), Target: path, Component: key, Image: o.ref.String(),
			Found: o.ref.Digest, File: o.file, Line: o.line, Source: source, occ: o}
		pin, ok := idx[key]
		switch {
		case !ok:
			f.Status = Unknown
		case !ref.Pinned():
			f.Status, f.Component = Unpinned, pin.Component
		case ref.Digest != pin.Ref.Digest:
			f.Status, f.Component = Mismatch, pin.Component
		default:
			f.Status, f.Component = Aligned, pin.Component
		}
		if ok {
			seen[key] = true
			f.Expected, f.expectedTag = pin.Ref.Digest, pin.Ref.Tag
		}
		out = append(out, f)
	}
	for _, p := range r.manifest.Pins {
		key := r.match.Key(p.Ref)
		if seen[key] || r.ignored(p.Ref) || !r.deploys(path, p.Component, key) {
			continue
		}
		seen[key] = true
		out = append(out, Finding{Channel: r.channelName(), Target: path, Component: p.Component, Status: Missing,
			Expected: p.Ref.Digest, Image: p.Image, File: r.manifest.Path, Line: p.Line, Source: source,
			Message: "pinned by the manifest, not referenced by the target"})
	}
	return out
}

func (r *run) ignored(ref image.Ref) bool {
	return slices.ContainsFunc(r.ignore, func(p string) bool { return image.Matches(p, ref) })
}

func (r *run) deploys(target, component, key string) bool {
	return r.channel == nil || (r.channel.Deploys(target, component) && r.channel.Deploys(target, key))
}

// compat checks the manifest's pins against the compatibility matrix.
func (r *run) compat() []Finding {
	var out []Finding
	for _, p := range r.manifest.Pins {
		rule, ok := r.rules[p.Component]
		if !ok {
			rule, ok = r.rules[p.Ref.Name()]
		}
		if !ok {
			continue
		}
		if broken := rule.Check(p.Ref); broken != "" {
			out = append(out, Finding{Channel: r.channelName(), Target: r.manifest.Path, Component: p.Component,
				Status: Incompatible, Found: p.Ref.Digest, Image: p.Image, File: r.manifest.Path, Line: p.Line,
				Message: "compatibility." + p.Component + ": " + broken})
		}
	}
	return out
}

// sortFindings orders by target, problems first, then component and line
// (stable). It sorts positions, then moves each finding once: swapping the
// findings themselves moved 40,000 large structs n log n times.
func sortFindings(fs []Finding) {
	pos := make([]int, len(fs))
	for i := range pos {
		pos[i] = i
	}
	slices.SortStableFunc(pos, func(i, j int) int { return compareFindings(&fs[i], &fs[j]) })
	sorted := make([]Finding, len(fs))
	for i, p := range pos {
		sorted[i] = fs[p]
	}
	copy(fs, sorted)
}

func compareFindings(a, b *Finding) int {
	switch {
	case a.Channel != b.Channel:
		return cmp.Compare(a.Channel, b.Channel)
	case a.Target != b.Target:
		return cmp.Compare(a.Target, b.Target)
	case a.Status != b.Status && rank[a.Status] != rank[b.Status]:
		return cmp.Compare(rank[a.Status], rank[b.Status])
	case a.Component != b.Component:
		return cmp.Compare(a.Component, b.Component)
	case a.Source != b.Source:
		return cmp.Compare(a.Source, b.Source)
	}
	return cmp.Compare(a.Line, b.Line)
}
