//go:build e2e

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// channelRepo is a git checkout holding the example deploy tree (as
// deploy/), committed, and a new stable manifest the operator authored
// (untracked): runbook §5 step 1.
type channelRepo struct {
	h        *harness.T
	dir      string // the repository
	manifest string // deploy/releases/2025.10.0-stable.yaml
}

func newChannelRepo(t *testing.T) *channelRepo {
	h := harness.New(t)
	r := &channelRepo{h: h, dir: t.TempDir()}
	if out, err := exec.Command("cp", "-r", h.Example("deploy"), r.dir).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v: %s", err, out)
	}
	r.git("init", "-q")
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "base")
	edge, err := os.ReadFile(r.path("deploy/releases/2025.10.0-edge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	stable := strings.NewReplacer(`version: "2025.10.0-edge"`, `version: "2025.10.0"`, "channel: edge", "channel: stable").Replace(string(edge))
	r.manifest = r.path("deploy/releases/2025.10.0-stable.yaml")
	if err := os.WriteFile(r.manifest, []byte(stable), 0o644); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *channelRepo) path(rel string) string { return filepath.Join(r.dir, rel) }

func (r *channelRepo) git(args ...string) string {
	r.h.Helper()
	cmd := exec.Command("git", append([]string{"-C", r.dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=op", "GIT_AUTHOR_EMAIL=op@example.org",
		"GIT_COMMITTER_NAME=op", "GIT_COMMITTER_EMAIL=op@example.org")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.h.Fatalf("git %v: %v: %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// promote runs helm stella promote --files-only on the checkout.
func (r *channelRepo) promote(ch, manifest string, extra ...string) harness.Result {
	r.h.Helper()
	args := append([]string{"promote", "--files-only", "--channel", ch, "--release", manifest,
		"--config", r.path("deploy/channels.yaml")}, extra...)
	env := []string{"GIT_AUTHOR_NAME=op", "GIT_AUTHOR_EMAIL=op@example.org", "GIT_COMMITTER_NAME=op", "GIT_COMMITTER_EMAIL=op@example.org"}
	return r.h.RunEnv(env, r.h.Plugin("helm-stella"), args...)
}

// sum is a checksum of every file of the work tree (not .git) plus HEAD,
// the tags and the index: "nothing written" means it does not move.
func (r *channelRepo) sum() string {
	r.h.Helper()
	h := sha256.New()
	_ = filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		data, _ := os.ReadFile(p)
		h.Write([]byte(p))
		h.Write(data)
		return nil
	})
	h.Write([]byte(r.git("rev-parse", "HEAD") + r.git("tag", "-l") + r.git("status", "--porcelain")))
	return hex.EncodeToString(h.Sum(nil))
}

// TestChannelFlowTagChecksOut: runbook §5 then §4's rollback by checkout.
// The commit holds the new manifest and the moved version markers; the
// tag checks out to a tree that align --channel (and --lint) passes; an
// identical rerun with --git-tag is a no-op.
func TestChannelFlowTagChecksOut(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	r := newChannelRepo(t)
	res := r.promote("stable", r.manifest, "--git-commit", "--git-tag")
	r.h.Must(res)
	if !strings.Contains(res.Stdout, "TAG") || !strings.Contains(res.Stdout, "2025.10.0") ||
		!strings.Contains(res.Stdout, "deploy: promote 2025.10.0-stable") {
		t.Fatalf("table:\n%s", res.Stdout)
	}
	if st := r.git("status", "--porcelain"); st != "" {
		t.Fatalf("tree not clean after the promotion commit: %q", st)
	}
	files := r.git("show", "--name-only", "--format=", "2025.10.0")
	for _, want := range []string{"deploy/releases/2025.10.0-stable.yaml", "deploy/channels.yaml",
		"deploy/helm/stellaops/values-prod.yaml", "deploy/compose/env/prod.env.example"} {
		if !strings.Contains(files, want) {
			t.Errorf("tagged commit lacks %s:\n%s", want, files)
		}
	}
	again := r.h.Must(r.promote("stable", r.manifest, "--git-commit", "--git-tag", "-o", "json"))
	var out struct {
		Files struct {
			NoOp    bool     `json:"noOp"`
			Changed []string `json:"changed"`
			Tag     string   `json:"tag"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(again.Stdout), &out); err != nil || !out.Files.NoOp || len(out.Files.Changed) != 0 || out.Files.Tag != "2025.10.0" {
		t.Fatalf("rerun: %v %+v\n%s", err, out, again.Stdout)
	}
	branch := r.git("rev-parse", "--abbrev-ref", "HEAD")
	r.git("checkout", "-q", "2025.10.0")
	defer r.git("checkout", "-q", branch)
	r.h.Must(r.h.Run(r.h.Plugin("helm-stella"), "align", "--channel", "stable", "--config", r.path("deploy/channels.yaml")))
	r.h.Must(r.h.Run(r.h.Plugin("helm-stella"), "align", "--channel", "stable", "--lint", "--config", r.path("deploy/channels.yaml")))
	for file, want := range map[string]string{
		"deploy/helm/stellaops/values-prod.yaml": `releaseVersion: "2025.10.0"`,
		"deploy/compose/env/prod.env.example":    "STELLA_VERSION=2025.10.0\n",
	} {
		if data, _ := os.ReadFile(r.path(file)); !strings.Contains(string(data), want) {
			t.Errorf("%s at the tag does not hold %q", file, want)
		}
	}
}

// TestChannelFlowRefusals: a foreign edit in a values file, a taken tag and
// a manifest of another channel each stop the run before anything is
// written: exit 5, 5, 4, one error line, tree, index, HEAD and tags intact.
func TestChannelFlowRefusals(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	cases := []struct {
		name    string
		prepare func(r *channelRepo) []string
		code    int
		want    string
	}{
		{"dirty tree", func(r *channelRepo) []string {
			f := r.path("deploy/helm/stellaops/values-prod.yaml")
			data, _ := os.ReadFile(f)
			os.WriteFile(f, append(data, []byte("# someone else's edit\n")...), 0o644)
			return []string{"stable", r.manifest, "--git-commit", "--git-tag"}
		}, 5, "uncommitted changes in deploy/helm/stellaops/values-prod.yaml"},
		{"taken tag", func(r *channelRepo) []string {
			r.git("tag", "2025.10.0")
			return []string{"stable", r.manifest, "--git-commit", "--git-tag"}
		}, 5, "tag 2025.10.0 already exists on commit"},
		{"channel mismatch", func(r *channelRepo) []string {
			return []string{"stable", r.path("deploy/releases/2025.10.0-edge.yaml"), "--git-commit", "--git-tag"}
		}, 4, `release of channel "edge" (release.channel), not "stable"`},
		{"tag on edge", func(r *channelRepo) []string {
			return []string{"edge", r.path("deploy/releases/2025.10.0-edge.yaml"), "--git-commit", "--git-tag"}
		}, 4, "flag --git-tag: channel edge is not tagged"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newChannelRepo(t)
			args := c.prepare(r)
			before := r.sum()
			res := r.promote(args[0], args[1], args[2:]...)
			if res.Code != c.code || !strings.Contains(res.Stderr, c.want) || res.Stdout != "" {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", res.Code, c.code, res.Stdout, res.Stderr)
			}
			if n := strings.Count(res.Stderr, "Error:"); n != 1 {
				t.Fatalf("%d error lines:\n%s", n, res.Stderr)
			}
			if r.sum() != before {
				t.Fatal("something was written although the run was refused")
			}
		})
	}
}
