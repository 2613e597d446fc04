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

// fixPlan is the new content of one target.
type fixPlan struct {
	run      *run
	target   *target
	edits    []yamlpos.Edit
	next     *target // target re-read from the new bytes
	warnings []string
}

// fix plans every edit, validates every new content, then prints the diff
// (DryRun) or writes all files atomically; any error leaves every file as it was.
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
		dest, err := writablePath(p.target.path, a.treeOf(p.run))
		if err != nil {
			return err
		}
		res.Changes = append(res.Changes, Change{File: p.target.path, Edits: len(p.edits)})
		writes = append(writes, fileWrite{path: dest, old: p.target.data, new: p.next.data})
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
	res.Written = len(writes) > 0
	for _, p := range plans {
		*p.target = *p.next
	}
	for _, r := range runs {
		r.findings = r.check()
	}
	if len(writes) > 0 {
		fmt.Fprintf(progressOf(a), "fixed %d file(s)\n", len(writes))
	}
	return nil
}

// planFix collects the edits of every mismatched or unpinned reference,
// grouped by target file (pure: nothing is read or written).
func planFix(runs []*run) ([]*fixPlan, error) {
	byPath := map[string]*fixPlan{}
	var order []string
	for _, r := range runs {
		for _, f := range r.findings {
			if f.occ == nil || f.Source != "" || (f.Status != Mismatch && f.Status != Unpinned) {
				continue
			}
			edits, err := f.occ.pin(f.Expected, f.expectedTag)
			if err != nil {
				return nil, err
			}
			p := byPath[f.Target]
			if p == nil {
				p = &fixPlan{run: r, target: r.targetOf(f.Target)}
				byPath[f.Target] = p
				order = append(order, f.Target)
			}
			p.edits = append(p.edits, edits...)
		}
	}
	sort.Strings(order)
	plans := make([]*fixPlan, 0, len(order))
	for _, path := range order {
		if len(byPath[path].edits) > 0 {
			plans = append(plans, byPath[path])
		}
	}
	return plans, nil
}

// validate computes the new bytes, re-reads them and checks that the
// target now pins exactly the manifest's digests.
func (p *fixPlan) validate(ctx context.Context) error {
	data, err := yamlpos.Apply(p.target.data, p.edits)
	if err != nil {
		return fmt.Errorf("fix %s: %w", p.target.path, err)
	}
	next := &target{path: p.target.path, kind: p.target.kind}
	if p.warnings, err = next.parse(ctx, data, p.target.envFiles); err != nil {
		return fmt.Errorf("fix %s: the rewritten file does not parse: %w", p.target.path, err)
	}
	idx, _ := p.run.manifest.Index(p.run.match)
	for _, f := range p.run.checkTarget(next.path, next.occ, idx, "") {
		if f.Status == Mismatch || f.Status == Unpinned {
			return fmt.Errorf("fix %s:%d: %s still %s after the rewrite", f.File, f.Line, f.Component, f.Status)
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
