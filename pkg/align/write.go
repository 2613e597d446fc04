package align

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pmezard/go-difflib/difflib"
)

// rename is os.Rename; tests inject failures.
var rename = os.Rename

// fileWrite is the planned new content of one file.
type fileWrite struct {
	path     string
	old, new []byte
}

// writeAll replaces every file or none: each new content goes to a temp
// file beside its target (fsynced), then all are renamed into place; a
// failed rename restores the files already replaced.
func writeAll(ws []fileWrite) error {
	temps := make([]string, len(ws))
	cleanup := func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}
	for i, w := range ws {
		cur, err := os.ReadFile(w.path)
		if err != nil || !bytes.Equal(cur, w.old) {
			cleanup()
			return fmt.Errorf("fix %s: the file changed while align ran; nothing written", w.path)
		}
		if temps[i], err = writeTemp(w.path, w.new); err != nil {
			cleanup()
			return fmt.Errorf("fix %s: %w; nothing written", w.path, err)
		}
	}
	for i, w := range ws {
		if err := rename(temps[i], w.path); err != nil {
			cleanup()
			restore(ws[:i])
			return fmt.Errorf("fix %s: %w; every file restored", w.path, err)
		}
		temps[i] = ""
		syncDir(filepath.Dir(w.path))
	}
	return nil
}

// writeTemp writes data to a synced temp file next to path, with its mode.
func writeTemp(path string, data []byte) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".stella-*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), st.Mode().Perm())
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

func restore(done []fileWrite) {
	for _, w := range done {
		if t, err := writeTemp(w.path, w.old); err == nil {
			if os.Rename(t, w.path) != nil {
				os.Remove(t)
			}
		}
	}
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// unifiedDiff renders old → new as a git-style unified diff.
func unifiedDiff(path string, old, new []byte) string {
	s, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(old)), B: difflib.SplitLines(string(new)),
		FromFile: "a/" + filepath.ToSlash(path), ToFile: "b/" + filepath.ToSlash(path), Context: 3,
	})
	return s
}

func progressOf(a *Align) io.Writer {
	if a.Progress == nil {
		return io.Discard
	}
	return a.Progress
}
