package promote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stella-ops/stella-plugins/pkg/align"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/gitstate"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

// write writes the channels file and align --fix's edits (one
// all-or-nothing write), then the version markers; then renders the
// channel's chart and checks every target again (align --lint). Any
// failure restores every planned file to its bytes before the run.
func (op *Files) write(ctx context.Context, st *filesState, pl *filesPlan, fr *FilesResult) error {
	snap := map[string][]byte{}
	for _, f := range pl.changes {
		data, err := os.ReadFile(f)
		if err != nil {
			return exit.InvalidInput("%v; nothing written", err)
		}
		snap[f] = data
	}
	if !fr.NoOp {
		if err := op.editFiles(ctx, st); err != nil {
			return errors.Join(err, restore(snap))
		}
		for _, f := range pl.changes {
			if cur, err := os.ReadFile(f); err != nil || !bytes.Equal(cur, snap[f]) {
				fr.Changed = append(fr.Changed, f)
			}
		}
	}
	op.Progress.Logf("lint: rendering channel %s's chart with its values", st.c.Name)
	lint := align.New(output.Lines(op.Progress))
	lint.SetConfig(op.Config)
	lint.Channel, lint.Lint = op.Channel, true
	r, err := lint.Run(ctx)
	if r != nil {
		for _, w := range r.Warnings {
			op.warnf(fr, "%s", w)
		}
	}
	if err == nil && !r.Aligned {
		fr.Align = r
		err = exit.Failed("align --lint after the edits: %d finding(s), all listed; every file restored", r.Problems())
	}
	if err != nil {
		fr.Changed = []string{}
		return errors.Join(err, restore(snap))
	}
	fr.Align = r
	return nil
}

// editFiles is the write itself: align --fix with the channel pointed at
// the new manifest, then the version markers on the fixed files.
func (op *Files) editFiles(ctx context.Context, st *filesState) error {
	fix := align.New(output.Lines(op.Progress))
	fix.SetConfig(op.Config)
	fix.Channel, fix.Fix, fix.ConfigData = op.Channel, true, st.next
	if _, err := fix.Run(ctx); err != nil {
		return fmt.Errorf("align --fix: %w", err)
	}
	marks, _, err := planMarkers(st.c, st.m.Version)
	if err != nil {
		return err
	}
	for _, m := range marks {
		if err := writeAtomic(m.path, m.new); err != nil {
			return fmt.Errorf("version markers: %w", err)
		}
	}
	return nil
}

// restore puts every snapshotted file back; it names the ones it could not.
func restore(snap map[string][]byte) error {
	var errs []error
	for f, data := range snap {
		if cur, err := os.ReadFile(f); err == nil && bytes.Equal(cur, data) {
			continue
		}
		if err := writeAtomic(f, data); err != nil {
			errs = append(errs, fmt.Errorf("restore %s: %w", f, err))
		}
	}
	return errors.Join(errs...)
}

// writeAtomic replaces path's content through a temp file beside it
// (same mode), renamed into place.
func writeAtomic(path string, data []byte) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(real), "."+filepath.Base(real)+".stella-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), fi.Mode().Perm())
	}
	if err == nil {
		err = os.Rename(tmp.Name(), real)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// gitRecord commits exactly the changed files plus the manifest when it is
// new or modified, and tags stable/airgap promotions.
func (op *Files) gitRecord(ctx context.Context, st *filesState, g *gitFacts, fr *FilesResult) error {
	if g == nil || fr.NoOp {
		return nil
	}
	fr.Commit = g.head
	if op.GitCommit && (len(fr.Changed) > 0 || g.manifestDirty) {
		paths := append([]string{}, fr.Changed...)
		if g.manifestDirty {
			paths = append(paths, op.ReleaseManifest)
		}
		sha, err := gitstate.Commit(ctx, st.tree, fr.Message, paths)
		if err != nil {
			return fmt.Errorf("git commit (the files are written, not committed): %w", err)
		}
		fr.Commit = sha
	}
	if st.tag != "" {
		if err := gitstate.Tag(ctx, st.tree, st.tag, fr.Message); err != nil {
			return fmt.Errorf("git tag %s (commit %.12s is made): %w", st.tag, fr.Commit, err)
		}
		fr.Tag = st.tag
	}
	return nil
}
