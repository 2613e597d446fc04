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
	"github.com/stella-ops/stella-plugins/pkg/output"
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

// Files is the channel workflow, promote --files-only (runbook §5): it
// rewrites the deploy tree and needs no cluster. Set the options, then
// call Run.
type Files struct {
	Channel         string // the channel promoted
	ReleaseManifest string // its new release manifest, inside the deploy tree
	Config          string // channels file
	// GitCommit commits exactly the changed files (plus a new or modified
	// manifest); GitTag tags the commit of a stable or airgap promotion.
	GitCommit, GitTag bool
	Progress          output.Reporter // nil discards
}

// NewFiles returns the channel workflow on the default channels file.
func NewFiles() *Files {
	return &Files{Config: channel.DefaultPath, Progress: output.Discard}
}

// filesState is everything Run reads before it writes anything.
type filesState struct {
	m    *manifest.Manifest
	f    *channel.File
	c    *channel.Channel
	rel  string // the manifest, relative to the deploy tree (the channels file's directory)
	tree string
	next []byte // the channels file pointing the channel at rel
	tag  string // the tag to create ("" without --git-tag)
}

// Run is runbook §5: check everything (input, planned edits, git)
// before writing anything; then point the channel at the new manifest,
// align --fix its files and move its version markers in one write; render
// the channel's chart with the result (align --lint) and restore every file
// if it does not align; finally commit exactly those files plus the new
// manifest, and tag stable/airgap. The error carries the exit code (2
// align findings, 4 invalid input, 5 refused); the Result is returned
// whenever there is something to show.
func (op *Files) Run(ctx context.Context) (*Result, error) {
	if op.Progress == nil {
		op.Progress = output.Discard
	}
	if op.Channel == "" || op.ReleaseManifest == "" {
		return nil, exit.InvalidInput("flag --files-only: needs --channel and --release")
	}
	st, err := op.state()
	if err != nil {
		return nil, err
	}
	fr := &FilesResult{Channel: op.Channel, Version: st.m.Version, Release: st.rel,
		Message: "deploy: promote " + suffixed(st.m.Version, op.Channel), Changed: []string{}}
	res := &Result{Manifest: journalManifest(st.m.Version, op.Channel), Files: fr}
	fail := func(err error) (*Result, error) {
		if fr.Align == nil && len(fr.Changed) == 0 {
			return nil, err // nothing to show but the error line
		}
		res.Outcome, res.Message = journal.Failed, err.Error()
		return res, err
	}
	pl, err := op.plan(ctx, st, fr)
	if err != nil {
		return fail(err)
	}
	g, err := op.gitPreflight(ctx, st, pl, fr)
	if err != nil {
		return fail(err)
	}
	if err := op.write(ctx, st, pl, fr); err != nil {
		return fail(err)
	}
	if err := op.gitRecord(ctx, st, g, fr); err != nil {
		return fail(err)
	}
	res.Outcome, res.Message = journal.Succeeded, fr.Message
	if fr.NoOp {
		res.Message += " (already done: nothing changed)"
	}
	return res, nil
}

// state loads and checks the input: the manifest is the channel's
// (release.channel = --channel) and inside the deploy tree; --git-tag is
// for a tagged channel.
func (op *Files) state() (*filesState, error) {
	m, err := manifest.Load(op.ReleaseManifest)
	if err != nil {
		return nil, err
	}
	f, err := channel.Load(op.Config)
	if err != nil {
		return nil, err
	}
	st := &filesState{m: m, f: f, tree: filepath.Dir(f.Path)}
	if st.c, err = f.Channel(op.Channel); err != nil {
		return nil, err
	}
	if m.Channel != op.Channel {
		return nil, exit.InvalidInput("flag --release: %s is a release of channel %q (release.channel), not %q; nothing written",
			op.ReleaseManifest, m.Channel, op.Channel)
	}
	if st.rel, err = insideTree(st.tree, op.ReleaseManifest); err != nil {
		return nil, err
	}
	orig, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, exit.InvalidInput("flag --config: %v", err)
	}
	if st.next, err = PointChannel(orig, op.Channel, st.rel); err != nil {
		return nil, exit.InvalidInput("%s: %v", f.Path, err)
	}
	if op.GitTag {
		if st.tag = TagOf(op.Channel, m.Version); st.tag == "" {
			return nil, exit.InvalidInput("flag --git-tag: channel %s is not tagged (runbook §5 tags stable and airgap promotions only); drop --git-tag", op.Channel)
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

func (op *Files) warnf(fr *FilesResult, format string, a ...any) {
	w := fmt.Sprintf(format, a...)
	fr.Warnings = append(fr.Warnings, w)
	op.Progress.Logf("warning: %s", w)
}
