package promote

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestFilesOnlyGitCommitAndTag: --git-commit commits exactly the files the
// channel workflow changed (an unrelated edit stays uncommitted) with the
// runbook's message, and --git-tag tags the stable promotion.
func TestFilesOnlyGitCommitAndTag(t *testing.T) {
	for k, v := range map[string]string{"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
		"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"} {
		t.Setenv(k, v)
	}
	deploy, rel := exampleWithNewStable(t)
	gitIn := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", deploy}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	gitIn("init", "-q")
	gitIn("add", "-A")
	gitIn("commit", "-q", "-m", "base")
	unrelated := filepath.Join(deploy, "smoke.yaml")
	if err := os.WriteFile(unrelated, []byte("# edited by someone else\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	p := NewFiles()
	p.Channel, p.ReleaseManifest, p.Config = "stable", rel, filepath.Join(deploy, "channels.yaml")
	p.GitCommit, p.GitTag = true, true
	res, err := p.Run(context.Background())
	if err != nil {
		t.Fatalf("files-only with git: %v", err)
	}
	if got := gitIn("log", "-1", "--format=%s"); got != "deploy: promote 2025.10.0-stable" {
		t.Fatalf("commit message %q", got)
	}
	files := strings.Split(gitIn("show", "--name-only", "--format=", "HEAD"), "\n")
	sort.Strings(files)
	want := "channels.yaml,compose/docker-compose.prod.yaml,compose/docker-compose.stage.yaml,compose/env/prod.env.example,compose/env/stage.env.example,helm/stellaops/values-prod.yaml,helm/stellaops/values-stage.yaml"
	if strings.Join(files, ",") != want {
		t.Fatalf("committed %v, want %s", files, want)
	}
	if st := gitIn("status", "--porcelain"); st != "M smoke.yaml" {
		t.Fatalf("the unrelated edit must stay uncommitted; status %q", st)
	}
	if res.Files.Tag != "2025.10.0" || gitIn("rev-list", "-n1", "2025.10.0") != gitIn("rev-parse", "HEAD") {
		t.Fatalf("tag %q does not point at the promotion commit", res.Files.Tag)
	}
}
