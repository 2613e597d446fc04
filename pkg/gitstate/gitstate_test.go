package gitstate

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func TestRead(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	ctx := context.Background()
	dir := t.TempDir()
	run(t, dir, "init", "-q")
	if s := Read(ctx, dir); s.SHA != "" || !strings.HasPrefix(s.Note, "no git state: ") {
		t.Fatalf("empty repo: %+v", s)
	}
	os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("a: 1\n"), 0o644)
	run(t, dir, "add", "values.yaml")
	run(t, dir, "commit", "-q", "-m", "one")
	run(t, dir, "tag", "2025.10.0")
	s := Read(ctx, dir)
	if s.Describe != "2025.10.0" || len(s.SHA) != 40 || s.Dirty || s.Note != "" {
		t.Fatalf("tagged clean: %+v", s)
	}
	os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("a: 2\n"), 0o644)
	if s := Read(ctx, dir); s.Describe != "2025.10.0-dirty" || !s.Dirty {
		t.Fatalf("dirty: %+v", s)
	}
	if s := Read(ctx, t.TempDir()); s.SHA != "" || !strings.Contains(s.Note, "not a git repository") {
		t.Fatalf("not a repo: %+v", s)
	}
}
