package debugstore

import (
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kitdir"
)

// Refusal is a release file the store refuses, and why.
type Refusal struct {
	Path   string `json:"path"` // relative to the release dir
	Reason string `json:"reason"`
}

// entry is one accepted file: its record and where its bytes are read from.
type entry struct {
	File
	src string // absolute path of the content (a symlink's target)
}

// scan reads releaseDir/debug/.build-id and returns the store it describes
// and the files it refuses. Symlinks are resolved only when they stay inside
// releaseDir. A missing or unreadable debug tree is invalid input.
func scan(releaseDir string) ([]entry, []Refusal, error) {
	root, err := filepath.Abs(releaseDir)
	if err == nil {
		root, err = filepath.EvalSymlinks(root)
	}
	if err != nil {
		return nil, nil, exit.InvalidInput("flag --release-dir: %w", err)
	}
	top := filepath.Join(root, filepath.FromSlash(Dir))
	if st, err := os.Stat(top); err != nil || !st.IsDir() {
		return nil, nil, exit.InvalidInput("flag --release-dir: %s has no %s directory", releaseDir, Dir)
	}
	var (
		entries []entry
		refused []Refusal
	)
	err = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read release debug store: %w", err)
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		e, reason := scanOne(root, top, p, d)
		if reason != "" {
			refused = append(refused, Refusal{Path: rel, Reason: reason})
			return nil
		}
		e.Path = rel
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Path < entries[j].Path })
	return entries, refused, nil
}

// scanOne reads one release file; a non-empty reason refuses it.
func scanOne(root, top, p string, d fs.DirEntry) (entry, string) {
	rel, _ := filepath.Rel(top, p)
	id, ok := pathBuildID(filepath.ToSlash(rel))
	if !ok {
		return entry{}, "path is not .build-id/xx/<hex>[.debug]"
	}
	src := p
	if d.Type()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(p)
		if err != nil {
			return entry{}, "broken symlink"
		}
		if target != root && !strings.HasPrefix(target, root+string(filepath.Separator)) {
			return entry{}, "symlink points outside the release dir"
		}
		src = target
	}
	st, err := os.Stat(src)
	if err != nil || !st.Mode().IsRegular() {
		return entry{}, "not a regular file"
	}
	e := entry{File: File{BuildID: id, Size: st.Size()}, src: src}
	f, err := os.Open(src)
	if err != nil {
		return entry{}, fmt.Sprintf("unreadable: %v", err)
	}
	defer f.Close()
	facts, err := readELF(f)
	if err != nil {
		return entry{}, err.Error()
	}
	if facts.BuildID != "" && facts.BuildID != id {
		return entry{}, fmt.Sprintf("build-id note %s does not match its path", facts.BuildID)
	}
	e.Machine, e.Class, e.BuildIDNote = facts.Machine, facts.Class, facts.BuildID != ""
	if e.SHA256, err = kitdir.HashFile(src); err != nil {
		return entry{}, fmt.Sprintf("unreadable: %v", err)
	}
	return e, ""
}

// pathBuildID returns the build ID named by "xx/yyyy[.debug]".
func pathBuildID(rel string) (string, bool) {
	dir, base, ok := strings.Cut(rel, "/")
	if !ok || len(dir) != 2 || strings.Contains(base, "/") {
		return "", false
	}
	id := strings.ToLower(dir + strings.TrimSuffix(base, ".debug"))
	if len(id) < 4 || len(id)%2 != 0 {
		return "", false
	}
	if _, err := hex.DecodeString(id); err != nil {
		return "", false
	}
	return id, true
}
