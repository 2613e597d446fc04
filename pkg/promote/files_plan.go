package promote

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/align"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/gitstate"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

// filesPlan is what the write will touch, known before anything is written.
type filesPlan struct {
	changes []string // files the write changes, sorted
	watch   []string // every file the channel reads: clean before a commit
}

// plan runs align --fix as a dry run against the new manifest and
// plans the version markers: the files that will change, or every finding
// --fix cannot fix (exit 2, nothing written).
func (op *Files) plan(ctx context.Context, st *filesState, fr *FilesResult) (*filesPlan, error) {
	a := align.New(output.Lines(op.Progress))
	a.SetConfig(op.Config)
	a.Channel, a.Release, a.Fix, a.DryRun = op.Channel, op.ReleaseManifest, true, true
	r, err := a.Run(ctx)
	if err != nil {
		return nil, fmt.Errorf("align --fix (dry run): %w", err)
	}
	if left := unfixable(r.Findings); len(left) > 0 {
		r.Findings, r.Changes, r.Diff, r.Aligned = left, nil, "", false
		fr.Align = r
		return nil, exit.Failed("align: %d finding(s) that --fix cannot fix, all listed; nothing written", len(left))
	}
	set := map[string]bool{}
	for _, c := range r.Changes {
		set[c.File] = true
	}
	if cur, err := os.ReadFile(st.f.Path); err != nil || !bytes.Equal(cur, st.next) {
		set[st.f.Path] = true
	}
	marks, warns, err := planMarkers(st.c, st.m.Version)
	if err != nil {
		return nil, exit.InvalidInput("%v; nothing written", err)
	}
	for _, w := range warns {
		op.warnf(fr, "%s", w)
	}
	for _, m := range marks {
		set[m.path] = true
	}
	pl := &filesPlan{watch: append([]string{st.f.Path}, st.c.Files()...)}
	if st.c.Chart != "" {
		pl.watch = append(pl.watch, st.c.Chart)
	}
	for f := range set {
		pl.changes = append(pl.changes, f)
	}
	sort.Strings(pl.changes)
	op.warnShared(st, pl.changes, fr)
	return pl, nil
}

// unfixable keeps the problems --fix does not rewrite.
func unfixable(fs []align.Finding) []align.Finding {
	out := []align.Finding{}
	for _, f := range fs {
		fixable := (f.Status == align.Mismatch || f.Status == align.Unpinned) && f.Source == ""
		if f.Status.Problem() && !fixable {
			out = append(out, f)
		}
	}
	return out
}

// warnShared names the other channels that list a file this promotion
// rewrites: they now deploy what it wrote.
func (op *Files) warnShared(st *filesState, changes []string, fr *FilesResult) {
	for _, file := range changes {
		if file == st.f.Path {
			continue
		}
		for _, n := range st.f.Names() {
			if n != st.c.Name && st.f.Channels[n].Lists(file) {
				op.warnf(fr, "%s is also a file of channel %s: promoting %s %s changes it for %s too", file, n, st.c.Name, st.m.Version, n)
			}
		}
	}
}

// gitFacts is the checkout's state when --git-commit or --git-tag is set.
type gitFacts struct {
	head          string
	manifestDirty bool // the manifest is new (untracked) or modified: it is committed too
}

// gitPreflight checks, before anything is written, that a commit and tag
// can be made honestly: a git work tree, no uncommitted change in any file
// the channel reads (exit 5), the tag free — or already on HEAD with
// nothing left to change, which makes an identical rerun a no-op.
func (op *Files) gitPreflight(ctx context.Context, st *filesState, pl *filesPlan, fr *FilesResult) (*gitFacts, error) {
	if !op.GitCommit && !op.GitTag {
		return nil, nil
	}
	flag := map[bool]string{true: "--git-commit", false: "--git-tag"}[op.GitCommit]
	if _, err := gitstate.Top(ctx, st.tree); err != nil {
		return nil, exit.InvalidInput("flag %s: %s is not in a git work tree (%v); nothing written", flag, st.tree, err)
	}
	dirty, err := gitstate.Status(ctx, st.tree, pl.watch...)
	if err != nil {
		return nil, fmt.Errorf("git status: %w", err)
	}
	if len(dirty) > 0 {
		return nil, exit.Refusal("uncommitted changes in %s: commit or stash them first, the promotion commit holds only its own edits; nothing written", describe(dirty))
	}
	ms, err := gitstate.Status(ctx, st.tree, op.ReleaseManifest)
	if err != nil {
		return nil, fmt.Errorf("git status: %w", err)
	}
	g := &gitFacts{head: gitstate.Head(ctx, st.tree), manifestDirty: len(ms) > 0}
	unchanged := len(pl.changes) == 0 && !g.manifestDirty
	if op.GitTag && !op.GitCommit && !unchanged {
		return nil, exit.InvalidInput("flag --git-tag: the promotion changes files; add --git-commit so that the tag names them; nothing written")
	}
	if st.tag == "" {
		return g, nil
	}
	if sha, ok := gitstate.TagCommit(ctx, st.tree, st.tag); ok {
		if !unchanged || sha != g.head {
			return nil, exit.Refusal("tag %s already exists on commit %.12s (%q); nothing written",
				st.tag, sha, gitstate.Subject(ctx, st.tree, sha))
		}
		fr.NoOp, fr.Commit, fr.Tag = true, g.head, st.tag
	}
	return g, nil
}

func describe(cs []gitstate.Change) string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s (%s)", filepath.ToSlash(c.Path), strings.TrimSpace(c.XY)))
	}
	return strings.Join(out, ", ")
}
