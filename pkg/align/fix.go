package align

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// fixPlan is the new content of one file: a target, or a file a target
// reads its image from (a compose file it extends).
type fixPlan struct {
	run      *run
	path     string
	tree     string  // the deploy tree the file must lie in ("" = its target's own directory)
	target   *target // nil for a file that is not itself a target
	data     []byte
	edits    []yamlpos.Edit
	next     *target // target re-read from the new bytes
	newData  []byte
	warnings []string
}

// fix plans every edit, validates every new content, then prints the diff
// (DryRun) or writes all files atomically and proves the result by reading
// every target again as Helm and compose-go do; any error leaves every file
// as it was.
func (a *Align) fix(ctx context.Context, runs []*run, res *Result) error {
	plans, err := planFix(runs)
	if err != nil {
		return err
	}
	var writes []fileWrite
	for _, p := range plans {
		if err := p.validate(ctx); err != nil {
			return err
		}
		tree := a.treeOf(p.run)
		if tree == "" {
			tree = p.tree
		}
		dest, err := writablePath(p.path, tree)
		if err != nil {
			return err
		}
		res.Changes = append(res.Changes, Change{File: p.path, Edits: len(p.edits)})
		writes = append(writes, fileWrite{path: dest, old: p.data, new: p.newData})
	}
	if a.ConfigData != nil {
		if writes, err = a.withConfig(runs, plans, writes, res); err != nil {
			return err
		}
	}
	if a.DryRun {
		for _, w := range writes {
			res.Diff += unifiedDiff(w.path, w.old, w.new)
		}
		return nil
	}
	if err := writeAll(writes); err != nil {
		return err
	}
	afterWrite()
	if err := proveFix(ctx, runs, writes); err != nil {
		return err
	}
	res.Written = len(writes) > 0
	if len(writes) > 0 {
		fmt.Fprintf(progressOf(a), "fixed %d file(s)\n", len(writes))
	}
	return nil
}

// afterWrite runs between the write and its proof; tests change files here.
var afterWrite = func() {}

// planFix collects the edits of every mismatched or unpinned reference,
// planned per target (shared anchors edited once or refused), grouped by
// the file they change (pure: nothing is read or written).
func planFix(runs []*run) ([]*fixPlan, error) {
	byPath := map[string]*fixPlan{}
	for _, r := range runs {
		reqs := map[*target][]pinReq{}
		var order []*target
		for _, f := range r.findings {
			if f.occ == nil || f.Source != "" || (f.Status != Mismatch && f.Status != Unpinned) {
				continue
			}
			t := r.targetOf(f.Target)
			if t == nil || t.pinAll == nil {
				continue
			}
			if reqs[t] == nil {
				order = append(order, t)
			}
			reqs[t] = append(reqs[t], pinReq{idx: f.occ.idx, digest: f.Expected, tag: f.expectedTag, owner: f.Component + " (" + f.occ.key + ")"})
		}
		for _, t := range order {
			fes, err := t.pinAll(reqs[t])
			if err != nil {
				return nil, err
			}
			for _, fe := range fes {
				if err := addPlan(byPath, r, t, fe); err != nil {
					return nil, err
				}
			}
		}
	}
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	plans := make([]*fixPlan, 0, len(paths))
	for _, p := range paths {
		plans = append(plans, byPath[p])
	}
	return plans, nil
}

// addPlan merges one file's edits into its plan: identical edits (one file
// checked by two channels) count once, different edits of the same bytes
// are refused.
func addPlan(byPath map[string]*fixPlan, r *run, t *target, fe fileEdits) error {
	if len(fe.edits) == 0 {
		return nil
	}
	p := byPath[fe.path]
	if p == nil {
		p = &fixPlan{run: r, path: fe.path, data: fe.data, tree: filepath.Dir(t.path)}
		byPath[fe.path] = p
	}
	if fe.path == t.path && p.target == nil {
		p.target, p.run = t, r
	}
	for _, e := range fe.edits {
		dup := false
		for _, o := range p.edits {
			if o == e {
				dup = true
				break
			}
			if e.Start < o.End && o.Start < e.End || (e.Start == o.Start && e.End == o.End) {
				return exit.InvalidInput("fix %s: two channels need different content at byte %d; nothing written", fe.path, e.Start)
			}
		}
		if !dup {
			p.edits = append(p.edits, e)
		}
	}
	return nil
}

// validate computes the new bytes, re-reads them and checks that the
// target now pins exactly the manifest's digests.
func (p *fixPlan) validate(ctx context.Context) error {
	data, err := yamlpos.Apply(p.data, p.edits)
	if err != nil {
		return fmt.Errorf("fix %s: %w", p.path, err)
	}
	p.newData = data
	if p.target == nil {
		return nil
	}
	next := &target{path: p.target.path, kind: p.target.kind}
	if p.warnings, err = next.parse(ctx, data, p.target.envFiles); err != nil {
		return fmt.Errorf("fix %s: the rewritten file does not parse: %w", p.target.path, err)
	}
	idx, _ := p.run.manifest.Index(p.run.match)
	for _, f := range p.run.checkTarget(next.path, next.occ, idx, "") {
		// an image written in another file (an extends base) reads the new
		// bytes only once written: proveFix checks it after the write
		if (f.Status == Mismatch || f.Status == Unpinned) && f.File == p.target.path {
			return exit.InvalidInput("fix %s:%d: %s would still be %s after the rewrite; fix it by hand; nothing written", f.File, f.Line, f.Component, f.Status)
		}
	}
	p.next = next
	return nil
}

func (r *run) targetOf(path string) *target {
	for _, t := range r.loaded {
		if t.path == path {
			return t
		}
	}
	return nil
}

// treeOf is the directory --fix may write in for r's targets: the channels
// file's directory for a channel's own targets, else each given file's own.
func (a *Align) treeOf(r *run) string {
	if r.channel != nil && len(a.Values)+len(a.Targets) == 0 {
		return filepath.Dir(a.Config)
	}
	return ""
}

// writablePath resolves path's symlinks and refuses a file outside tree
// (path's own directory when tree is "") or without write permission; the
// atomic rename then replaces the real file and the link stays a link.
func writablePath(path, tree string) (string, error) {
	if tree == "" {
		tree = filepath.Dir(path)
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", exit.InvalidInput("fix %s: %v; nothing written", path, err)
	}
	root, err := filepath.EvalSymlinks(tree)
	if err != nil {
		return "", exit.InvalidInput("fix %s: %v; nothing written", path, err)
	}
	realAbs, _ := filepath.Abs(real)
	rootAbs, _ := filepath.Abs(root)
	if rel, err := filepath.Rel(rootAbs, realAbs); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", exit.InvalidInput("fix %s: resolves to %s, outside the deploy tree %s; nothing written", path, real, tree)
	}
	if st, err := os.Stat(real); err != nil || st.Mode().Perm()&0o222 == 0 {
		return "", exit.InvalidInput("fix %s: the file is read-only; nothing written", path)
	}
	return real, nil
}
