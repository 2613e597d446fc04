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
	"strconv"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// plainTree copies the example deploy tree into a directory that is not a
// git work tree and returns the deploy directory.
func plainTree(t *testing.T, h *harness.T) string {
	dir := t.TempDir()
	if out, err := exec.Command("cp", "-r", h.Example("deploy"), dir).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v: %s", err, out)
	}
	return filepath.Join(dir, "deploy")
}

// treeSum is a checksum of every file under dir (paths and contents).
func treeSum(t *testing.T, dir string) string {
	s := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		s.Write([]byte(p))
		s.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(s.Sum(nil))
}

// TestChannelFlowChecksBeforeWriting: --git-commit outside a git work tree,
// and a --release manifest outside the deploy tree, are exit 4 with one
// error line naming the flag or the file, and nothing is written.
func TestChannelFlowChecksBeforeWriting(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	deploy := plainTree(t, h)
	edge, err := os.ReadFile(filepath.Join(deploy, "releases/2025.10.0-edge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	stable := strings.NewReplacer(`version: "2025.10.0-edge"`, `version: "2025.10.0"`, "channel: edge", "channel: stable").Replace(string(edge))
	inside := filepath.Join(deploy, "releases/2025.10.0-stable.yaml")
	outside := filepath.Join(t.TempDir(), "2025.10.0-stable.yaml")
	for _, p := range []string{inside, outside} {
		if err := os.WriteFile(p, []byte(stable), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name, manifest string
		extra          []string
		want           string
	}{
		{"not a git work tree", inside, []string{"--git-commit"}, "flag --git-commit: " + deploy + " is not in a git work tree"},
		{"manifest outside the deploy tree", outside, nil, "is outside the deploy tree"},
	} {
		before := treeSum(t, deploy)
		args := append([]string{"promote", "--files-only", "--channel", "stable", "--release", c.manifest,
			"--config", filepath.Join(deploy, "channels.yaml")}, c.extra...)
		r := h.Run(h.Plugin("helm-stella"), args...)
		if r.Code != 4 || !strings.Contains(r.Stderr, c.want) || strings.Count(r.Stderr, "Error:") != 1 || r.Stdout != "" {
			t.Fatalf("%s: exit %d, want 4 with %q\nstdout:\n%s\nstderr:\n%s", c.name, r.Code, c.want, r.Stdout, r.Stderr)
		}
		if treeSum(t, deploy) != before {
			t.Fatalf("%s: files written although the run was refused", c.name)
		}
	}
}

// TestAlignLintTemplateErrorOnce: a template error is one lint finding per
// values target, located at the template's file:line (not the chart
// directory), in the table and in -o json.
func TestAlignLintTemplateErrorOnce(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	deploy := plainTree(t, h)
	tpl := filepath.Join(deploy, "helm/stellaops/templates/secret.yaml")
	b, err := os.ReadFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	const at = 8 // the broken line
	broken := strings.Join(lines[:at-1], "") + "  BROKEN: {{ .Values.nope.deeper }}\n" + strings.Join(lines[at-1:], "")
	if err := os.WriteFile(tpl, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"align", "-f", filepath.Join(deploy, "helm/stellaops/values-stage.yaml"), "--config", filepath.Join(deploy, "channels.yaml"), "--lint"}
	r := h.Run(h.Plugin("helm-stella"), append(args, "-o", "json")...)
	var res struct {
		Findings []struct {
			Status, File string
			Line         int
		}
	}
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || r.Code != 2 {
		t.Fatalf("exit %d (want 2), %v\n%s\n%s", r.Code, err, r.Stdout, r.Stderr)
	}
	var lint []string
	for _, f := range res.Findings {
		if f.Status == "lint" {
			lint = append(lint, f.File+":"+strconv.Itoa(f.Line))
		}
	}
	if len(lint) != 1 || lint[0] != tpl+":8" {
		t.Fatalf("lint findings %v, want once at %s:8", lint, tpl)
	}
	r = h.Run(h.Plugin("helm-stella"), args...)
	if r.Code != 2 || strings.Count(r.Stdout, "nope.deeper") != 1 || !strings.Contains(r.Stdout, tpl+":8: lint:") {
		t.Fatalf("table: exit %d\n%s", r.Code, r.Stdout)
	}
}
