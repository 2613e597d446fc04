package debugstore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kitdir"
)

// Mirror is the offline-kit mirror-debug operation (runbook §2.4).
type Mirror struct {
	ReleaseDir string // holds debug/.build-id/**
	KitDir     string // the offline kit; created when missing
}

// Result is what a mirror run did.
type Result struct {
	Store     *Store    `json:"store"`
	Copied    []string  `json:"copied"`    // kit paths written
	Unchanged []string  `json:"unchanged"` // kit paths kept as they were
	Removed   []string  `json:"removed"`   // kit paths no longer in the release
	Refused   []Refusal `json:"refused,omitempty"`
	Written   bool      `json:"written"` // false when the kit already held exactly this store
}

// NewMirror returns the operation with its options unset.
func NewMirror() *Mirror { return &Mirror{} }

// Run scans the release, refuses bad files (exit 2, nothing written),
// and replaces the kit's debug tree and debug-store.json all at once.
func (m *Mirror) Run(ctx context.Context) (*Result, error) {
	if m.ReleaseDir == "" || m.KitDir == "" {
		return nil, exit.InvalidInput("flags --release-dir and --offline-kit-dir are required")
	}
	if st, err := os.Stat(m.KitDir); err == nil && !st.IsDir() {
		return nil, exit.InvalidInput("flag --offline-kit-dir: %s is not a directory", m.KitDir)
	}
	entries, refused, err := scan(m.ReleaseDir)
	if err != nil {
		return nil, err
	}
	if len(refused) > 0 {
		return &Result{Refused: refused}, exit.Failed("%d debug file(s) refused, kit unchanged: %s", len(refused), refusalList(refused))
	}
	old, _ := Load(m.KitDir) // an unreadable old store is rebuilt from scratch
	res := plan(m.KitDir, entries, old)
	oldJSON, _ := os.ReadFile(filepath.Join(m.KitDir, StorePath))
	if len(res.Copied) == 0 && len(res.Removed) == 0 && bytes.Equal(oldJSON, res.Store.Marshal()) {
		return res, nil
	}
	if err := apply(ctx, m.KitDir, entries, res); err != nil {
		return nil, err
	}
	res.Written = true
	return res, nil
}

func refusalList(rs []Refusal) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Path + " (" + r.Reason + ")"
	}
	return strings.Join(parts, ", ")
}

// plan decides, per file, whether the kit already holds it (same size and
// sha256 on record and on disk) or it must be copied.
func plan(kitDir string, entries []entry, old *Store) *Result {
	res := &Result{Store: &Store{SchemaVersion: SchemaVersion, Kind: Kind}}
	prev := old.byPath()
	for _, e := range entries {
		res.Store.Files = append(res.Store.Files, e.File)
		o, ok := prev[e.Path]
		delete(prev, e.Path)
		if ok && o == e.File && onDisk(filepath.Join(kitDir, filepath.FromSlash(e.Path)), e.File) {
			res.Unchanged = append(res.Unchanged, e.Path)
			continue
		}
		res.Copied = append(res.Copied, e.Path)
	}
	for p := range prev {
		res.Removed = append(res.Removed, p)
	}
	res.Store.Marshal() // sorts
	return res
}

// onDisk reports whether path holds exactly f's bytes.
func onDisk(path string, f File) bool {
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() != f.Size {
		return false
	}
	sum, err := kitdir.HashFile(path)
	return err == nil && sum == f.SHA256
}

// apply builds the new debug tree beside the kit's (unchanged files hard
// linked, others copied), then swaps it in with renames. Until the swap a
// failure leaves the previous kit exactly as it was.
func apply(ctx context.Context, kitDir string, entries []entry, res *Result) error {
	if err := os.MkdirAll(filepath.Join(kitDir, "metadata"), 0o755); err != nil {
		return fmt.Errorf("create offline kit: %w", err)
	}
	tmp, err := os.MkdirTemp(kitDir, ".stella-debug-")
	if err != nil {
		return fmt.Errorf("stage debug store: %w", err)
	}
	defer os.RemoveAll(tmp)
	copied := map[string]bool{}
	for _, p := range res.Copied {
		copied[p] = true
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		dst := filepath.Join(tmp, filepath.FromSlash(e.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("stage debug store: %w", err)
		}
		old := filepath.Join(kitDir, filepath.FromSlash(e.Path))
		if copied[e.Path] || os.Link(old, dst) != nil {
			if err := copyFile(e.src, dst); err != nil {
				return fmt.Errorf("copy %s: %w", e.Path, err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, "debug-store.json"), res.Store.Marshal(), 0o644); err != nil {
		return fmt.Errorf("stage debug store: %w", err)
	}
	return swap(kitDir, tmp)
}

// swap moves tmp/debug to kit/debug and tmp/debug-store.json into metadata/.
func swap(kitDir, tmp string) error {
	live, staged, parked := filepath.Join(kitDir, "debug"), filepath.Join(tmp, "debug"), filepath.Join(tmp, "old-debug")
	if _, err := os.Stat(staged); os.IsNotExist(err) {
		if err := os.MkdirAll(filepath.Join(staged, filepath.FromSlash(strings.TrimPrefix(Dir, "debug/"))), 0o755); err != nil {
			return fmt.Errorf("stage debug store: %w", err)
		}
	}
	hadLive := false
	if _, err := os.Lstat(live); err == nil {
		if err := os.Rename(live, parked); err != nil {
			return fmt.Errorf("swap debug store: %w", err)
		}
		hadLive = true
	}
	if err := os.Rename(staged, live); err != nil {
		if hadLive {
			_ = os.Rename(parked, live)
		}
		return fmt.Errorf("swap debug store: %w", err)
	}
	if err := os.Rename(filepath.Join(tmp, "debug-store.json"), filepath.Join(kitDir, StorePath)); err != nil {
		return fmt.Errorf("write %s: %w", StorePath, err)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
