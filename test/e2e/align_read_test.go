//go:build e2e

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// alignCase runs helm-stella align on a copy of testdata/align (no cluster
// needed): exit code, a stderr/stdout fragment, and every file compared
// byte for byte with its .golden (or with its input when nothing may be
// written).
type alignCase struct {
	name   string
	args   []string
	code   int
	want   string   // in stdout+stderr
	golden []string // files whose result is FILE.golden; every other file must be unchanged
}

var alignCases = []alignCase{
	{"merge key: digest inserted after <<", []string{"--target", "merge-insert/values.yaml", "--fix"}, 0, "fixed 1 file(s)", []string{"merge-insert/values.yaml"}},
	{"anchored and !!str strings: fixed once at the anchor", []string{"--target", "alias-shared/values.yaml", "--fix"}, 0, "fixed 1 file(s)", []string{"alias-shared/values.yaml"}},
	{"anchor needing two digests: refused naming both", []string{"--target", "alias-conflict/values.yaml", "--fix"}, 4, "authority (authority.image) and concelier (concelier.image)", nil},
	{"anchor conflict found without --fix too", []string{"--target", "alias-conflict/values.yaml"}, 2, "mismatch", nil},
	{"lists: drift found", []string{"--target", "lists/values.yaml"}, 2, "lists/values.yaml:4", nil},
	{"lists: fixed", []string{"--target", "lists/values.yaml", "--fix"}, 0, "fixed 1 file(s)", []string{"lists/values.yaml"}},
	{"BOM, CRLF, U+2028: lines right, CRLF kept", []string{"--target", "bom-crlf/values.yaml", "--fix", "-o", "wide"}, 0, "bom-crlf/values.yaml:7", []string{"bom-crlf/values.yaml"}},
	{"multi-document values: warning, first document only", []string{"--target", "multidoc/values.yaml"}, 0, "multidoc/values.yaml:4: another YAML document", nil},
	{"helm template output as --release", []string{"--release", "multidoc/rendered.yaml", "--target", "lists/values.yaml"}, 2, "concelier", nil},
	{"compose x- anchor: finding and fix at the anchor", []string{"--target", "compose-anchor/compose.yaml", "--fix", "-o", "wide"}, 0, "compose-anchor/compose.yaml:2", []string{"compose-anchor/compose.yaml"}},
	{"compose extends: base in another file named and fixed", []string{"--target", "compose-extends/compose.yaml", "--fix", "-o", "wide"}, 0, "compose-extends/base.yaml:3", []string{"compose-extends/compose.yaml", "compose-extends/base.yaml"}},
	{"compose extends: located without --fix", []string{"--target", "compose-extends/compose.yaml"}, 2, "compose-extends/base.yaml:3", nil},
	{"/dev/zero is refused, not read", []string{"--target", "/dev/zero"}, 4, "not a regular file (a device)", nil},
	{"a FIFO is refused without hanging", []string{"--target", "fifo.yaml"}, 4, "not a regular file (a FIFO)", nil},
}

func TestAlignReading(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	repo := harness.Get().Repo
	bin := filepath.Join(repo, "bin", "helm-stella")
	src := filepath.Join(repo, "test/e2e/testdata/align")
	for _, c := range alignCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if out, err := exec.Command("cp", "-R", src+"/.", dir).CombinedOutput(); err != nil {
				t.Fatalf("copy: %v %s", err, out)
			}
			if err := syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o644); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"align", "--release", "release.yaml"}, c.args...)
			cmd := exec.Command(bin, args...)
			cmd.Dir, cmd.Env = dir, append(os.Environ(), "NO_COLOR=1")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			done := make(chan error, 1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("align hung:\n%s", out.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != c.code || !strings.Contains(out.String(), c.want) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s", code, c.code, c.want, out.String())
			}
			compareTree(t, src, dir, c.golden)
		})
	}
}

// compareTree: files listed in golden equal their .golden, all others their input.
func compareTree(t *testing.T, src, dir string, golden []string) {
	t.Helper()
	_ = filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || strings.HasSuffix(p, ".golden") {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		want, _ := os.ReadFile(p)
		for _, g := range golden {
			if g == rel {
				want, _ = os.ReadFile(p + ".golden")
			}
		}
		got, _ := os.ReadFile(filepath.Join(dir, rel))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the expected bytes:\n%s", rel, got)
		}
		return nil
	})
}
