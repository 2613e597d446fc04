package promote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// gitExample is the example deploy tree committed in a fresh repository,
// with a new stable manifest written afterwards (untracked, as an operator
// authors it).
func gitExample(t *testing.T) (deploy, rel string, gitIn func(...string) string) {
	t.Helper()
	for k, v := range map[string]string{"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
		"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"} {
		t.Setenv(k, v)
	}
	deploy, rel = exampleWithNewStable(t)
	manifest, _ := os.ReadFile(rel)
	os.Remove(rel)
	gitIn = func(args ...string) string {
		t.Helper()
		out, err := exec.Command("git", append([]string{"-C", deploy}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	gitIn("init", "-q")
	gitIn("add", "-A")
	gitIn("commit", "-q", "-m", "base")
	if err := os.WriteFile(rel, manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	return deploy, rel, gitIn
}

func filesOnly(deploy, ch, rel string, commit, tag bool) *Files {
	p := NewFiles()
	p.Channel, p.ReleaseManifest, p.Config = ch, rel, filepath.Join(deploy, "channels.yaml")
	p.GitCommit, p.GitTag = commit, tag
	return p
}

// treeSum is a checksum of every file under dir but .git.
func treeSum(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.Name() == ".git" {
				return filepath.SkipDir
			}
			return err
		}
		data, err := os.ReadFile(path)
		h.Write([]byte(path + "\x00"))
		h.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestFilesOnlyCommitsNewManifestAndReruns: the untracked manifest is in
// the promotion commit, the tag checks out to an aligned tree, and an
// identical rerun with --git-tag is a no-op (exit 0, nothing new).
func TestFilesOnlyCommitsNewManifestAndReruns(t *testing.T) {
	deploy, rel, gitIn := gitExample(t)
	res, err := filesOnly(deploy, "stable", rel, true, true).Run(context.Background())
	if err != nil {
		t.Fatalf("promote: %v", err)
	}
	files := gitIn("show", "--name-only", "--format=", "HEAD")
	if !strings.Contains(files, "releases/2025.10.0-stable.yaml") || gitIn("status", "--porcelain") != "" {
		t.Fatalf("commit holds %s; status %q", files, gitIn("status", "--porcelain"))
	}
	if res.Files.Tag != "2025.10.0" || gitIn("rev-list", "-n1", "2025.10.0") != res.Files.Commit {
		t.Fatalf("tag %q commit %q", res.Files.Tag, res.Files.Commit)
	}
	head := gitIn("rev-parse", "HEAD")
	again, err := filesOnly(deploy, "stable", rel, true, true).Run(context.Background())
	if err != nil || !again.Files.NoOp || len(again.Files.Changed) != 0 || gitIn("rev-parse", "HEAD") != head {
		t.Fatalf("rerun: %v noOp=%v changed=%v", err, again != nil && again.Files.NoOp, again)
	}
}

// TestFilesOnlyRefusesBeforeWriting: each refusal exits with its code and
// leaves every file (and git) as it was.
func TestFilesOnlyRefusesBeforeWriting(t *testing.T) {
	cases := []struct {
		name    string
		prepare func(t *testing.T, deploy, rel string, gitIn func(...string) string) *Files
		code    exit.Code
		want    string
	}{
		{"dirty values file", func(t *testing.T, deploy, rel string, _ func(...string) string) *Files {
			appendTo(t, filepath.Join(deploy, "helm/stellaops/values-prod.yaml"), "# foreign edit\n")
			return filesOnly(deploy, "stable", rel, true, true)
		}, exit.Refused, "uncommitted changes in helm/stellaops/values-prod.yaml"},
		{"tag taken", func(t *testing.T, deploy, rel string, gitIn func(...string) string) *Files {
			gitIn("tag", "2025.10.0")
			return filesOnly(deploy, "stable", rel, true, true)
		}, exit.Refused, "tag 2025.10.0 already exists on commit"},
		{"channel mismatch", func(t *testing.T, deploy, _ string, _ func(...string) string) *Files {
			return filesOnly(deploy, "stable", filepath.Join(deploy, "releases/2025.10.0-edge.yaml"), true, true)
		}, exit.Invalid, `is a release of channel "edge" (release.channel), not "stable"`},
		{"manifest outside the tree", func(t *testing.T, deploy, rel string, _ func(...string) string) *Files {
			out := filepath.Join(t.TempDir(), "2025.10.0-stable.yaml")
			data, _ := os.ReadFile(rel)
			os.WriteFile(out, data, 0o644)
			return filesOnly(deploy, "stable", out, true, false)
		}, exit.Invalid, "is outside the deploy tree"},
		{"tag on edge", func(t *testing.T, deploy, _ string, _ func(...string) string) *Files {
			return filesOnly(deploy, "edge", filepath.Join(deploy, "releases/2025.10.0-edge.yaml"), true, true)
		}, exit.Invalid, "flag --git-tag: channel edge is not tagged"},
		{"tag without commit", func(t *testing.T, deploy, rel string, _ func(...string) string) *Files {
			return filesOnly(deploy, "stable", rel, false, true)
		}, exit.Invalid, "add --git-commit"},
		{"not a repository", func(t *testing.T, deploy, rel string, _ func(...string) string) *Files {
			os.RemoveAll(filepath.Join(deploy, ".git"))
			return filesOnly(deploy, "stable", rel, true, false)
		}, exit.Invalid, "flag --git-commit: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			deploy, rel, gitIn := gitExample(t)
			p := c.prepare(t, deploy, rel, gitIn)
			before := treeSum(t, deploy)
			_, err := p.Run(context.Background())
			if exit.CodeOf(err) != c.code || err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v (code %d), want code %d containing %q", err, exit.CodeOf(err), c.code, c.want)
			}
			if treeSum(t, deploy) != before {
				t.Fatal("files changed although the run was refused")
			}
		})
	}
}

// TestFilesOnlyLintRestores: a component removed from the manifest is
// still rendered by the chart's defaults; the render check fails (exit 2)
// with every finding listed and every file restored.
func TestFilesOnlyLintRestores(t *testing.T) {
	deploy, rel, _ := gitExample(t)
	data, _ := os.ReadFile(rel)
	var kept []string
	skip := false
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if strings.HasPrefix(l, "  - name: notify") {
			skip = true
			continue
		}
		if skip && strings.HasPrefix(l, "    image:") {
			skip = false
			continue
		}
		kept = append(kept, l)
	}
	os.WriteFile(rel, []byte(strings.Join(kept, "")), 0o644)
	before := treeSum(t, deploy)
	res, err := filesOnly(deploy, "stable", rel, false, false).Run(context.Background())
	if exit.CodeOf(err) != exit.CheckFailed || res == nil || res.Files.Align == nil {
		t.Fatalf("err = %v, res = %+v", err, res)
	}
	if n := res.Files.Align.Problems(); n == 0 || !strings.Contains(err.Error(), "all listed") {
		t.Fatalf("%d problems, err %v", n, err)
	}
	if treeSum(t, deploy) != before {
		t.Fatal("files not restored")
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// TestFilesOnlyRenderFailureRestores: the files are written, then the
// chart does not render with them (align --lint): exit 2, the lint finding
// listed, every file back to its bytes before the run, nothing committed.
func TestFilesOnlyRenderFailureRestores(t *testing.T) {
	deploy, rel, gitIn := gitExample(t)
	broken := filepath.Join(deploy, "helm/stellaops/templates/broken.yaml")
	if err := os.WriteFile(broken, []byte("{{ required \"releaseNotes is required\" .Values.releaseNotes }}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn("add", "-A", "helm")
	gitIn("commit", "-q", "-m", "a chart that needs releaseNotes")
	head := gitIn("rev-parse", "HEAD")
	before := treeSum(t, deploy)
	res, err := filesOnly(deploy, "stable", rel, true, true).Run(context.Background())
	if exit.CodeOf(err) != exit.CheckFailed || !strings.Contains(err.Error(), "every file restored") {
		t.Fatalf("err = %v", err)
	}
	if res == nil || res.Files.Align == nil || res.Files.Align.Problems() == 0 || len(res.Files.Changed) != 0 {
		t.Fatalf("result %+v", res)
	}
	if treeSum(t, deploy) != before || gitIn("rev-parse", "HEAD") != head || gitIn("tag", "-l") != "" {
		t.Fatal("not restored, or committed/tagged")
	}
}
