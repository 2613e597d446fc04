package promote

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/align"
	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
)

// FilesResult is what the channel workflow (--files-only) changed.
type FilesResult struct {
	Channel  string        `json:"channel"`
	Version  string        `json:"version"`
	Release  string        `json:"release"` // the manifest, relative to the channels file
	Changed  []string      `json:"changed"` // files rewritten
	Message  string        `json:"commitMessage"`
	Commit   string        `json:"commit,omitempty"`
	Tag      string        `json:"tag,omitempty"`
	NoOp     bool          `json:"noOp,omitempty"` // identical rerun: nothing to write, commit and tag already there
	Warnings []string      `json:"warnings,omitempty"`
	Align    *align.Result `json:"align,omitempty"` // the remaining findings when it failed, else the final --lint check
}

// filesState is everything runFiles reads before it writes anything.
type filesState struct {
	m    *manifest.Manifest
	f    *channel.File
	c    *channel.Channel
	rel  string // the manifest, relative to the deploy tree (the channels file's directory)
	tree string
	next []byte // the channels file pointing the channel at rel
	tag  string // the tag to create ("" without --git-tag)
}

// runFiles is runbook §5: check everything (input, planned edits, git)
// before writing anything; then point the channel at the new manifest,
// align --fix its files and move its version markers in one write; render
// the channel's chart with the result (align --lint) and restore every file
// if it does not align; finally commit exactly those files plus the new
// manifest, and tag stable/airgap.
func (p *Promote) runFiles(ctx context.Context) (*Result, error) {
	st, err := p.filesState()
	if err != nil {
		return nil, err
	}
	fr := &FilesResult{Channel: p.Channel, Version: st.m.Version, Release: st.rel,
		Message: "deploy: promote " + suffixed(st.m.Version, p.Channel), Changed: []string{}}
	res := &Result{Manifest: journalManifest(st.m.Version, p.Channel), Files: fr}
	fail := func(err error) (*Result, error) {
		if fr.Align == nil && len(fr.Changed) == 0 {
			return nil, err // nothing to show but the error line
		}
		res.Outcome, res.Message = journal.Failed, err.Error()
		return res, err
	}
	pl, err := p.planFiles(ctx, st, fr)
	if err != nil {
		return fail(err)
	}
	g, err := p.gitPreflight(ctx, st, pl, fr)
	if err != nil {
		return fail(err)
	}
	if err := p.writeFiles(ctx, st, pl, fr); err != nil {
		return fail(err)
	}
	if err := p.gitRecord(ctx, st, g, fr); err != nil {
		return fail(err)
	}
	res.Outcome, res.Message = journal.Succeeded, fr.Message
	if fr.NoOp {
		res.Message += " (already done: nothing changed)"
	}
	return res, nil
}

// filesState loads and checks the input: the manifest is the channel's
// (release.channel = --channel) and inside the deploy tree; --git-tag is
// for a tagged channel.
func (p *Promote) filesState() (*filesState, error) {
	if p.ReleaseManifest == "" {
		return nil, exit.InvalidInput("flag --release: required with --files-only")
	}
	m, err := manifest.Load(p.ReleaseManifest)
	if err != nil {
		return nil, err
	}
	f, err := channel.Load(p.Config)
	if err != nil {
		return nil, err
	}
	st := &filesState{m: m, f: f, tree: filepath.Dir(f.Path)}
	if st.c, err = f.Channel(p.Channel); err != nil {
		return nil, err
	}
	if m.Channel != p.Channel {
		return nil, exit.InvalidInput("flag --release: %s is a release of channel %q (release.channel), not %q; nothing written",
			p.ReleaseManifest, m.Channel, p.Channel)
	}
	if st.rel, err = insideTree(st.tree, p.ReleaseManifest); err != nil {
		return nil, err
	}
	orig, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, exit.InvalidInput("flag --config: %v", err)
	}
	if st.next, err = PointChannel(orig, p.Channel, st.rel); err != nil {
		return nil, exit.InvalidInput("%s: %v", f.Path, err)
	}
	if p.GitTag {
		if st.tag = TagOf(p.Channel, m.Version); st.tag == "" {
			return nil, exit.InvalidInput("flag --git-tag: channel %s is not tagged (runbook §5 tags stable and airgap promotions only); drop --git-tag", p.Channel)
		}
	}
	return st, nil
}

// insideTree returns path relative to tree, or an exit-4 error when the
// manifest lies outside it (a commit could not hold it).
func insideTree(tree, path string) (string, error) {
	t, err1 := filepath.Abs(tree)
	a, err2 := filepath.Abs(path)
	rel, err3 := filepath.Rel(t, a)
	if err1 != nil || err2 != nil || err3 != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", exit.InvalidInput("flag --release: %s is outside the deploy tree %s (the channels file's directory); copy it under %s/releases/",
			path, tree, tree)
	}
	return filepath.ToSlash(rel), nil
}

// TagOf is the git tag of a promotion: <version> for stable,
// <version>-airgap for airgap, "" for channels that are not tagged.
func TagOf(ch, version string) string {
	switch ch {
	case "stable":
		return version
	case "airgap":
		return suffixed(version, ch)
	}
	return ""
}

// suffixed is version-channel, unless the version already ends so
// (edge manifests are versioned 2025.10.0-edge).
func suffixed(version, ch string) string {
	if strings.HasSuffix(version, "-"+ch) {
		return version
	}
	return version + "-" + ch
}

func (p *Promote) warnf(fr *FilesResult, format string, a ...any) {
	w := fmt.Sprintf(format, a...)
	fr.Warnings = append(fr.Warnings, w)
	p.progressf("warning: %s", w)
}
