//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// biCase is one bad input: a command line run in a fresh copy of the
// example deploy tree (cwd = the copy's parent, so "deploy/channels.yaml",
// the default --config, is the copy).
type biCase struct {
	name  string
	bin   string // helm-stella | kubectl-stella
	args  []string
	setup func(c *biCtx) // optional: break the copy before the run
	env   []string       // extra environment
	shell string         // run as `bash -c shell` (bin and args are appended)
	code  int
	want  string // the one stderr line contains this
	// stdout allowed (a check result, not an error: verify-pods' exit 2)
	stdoutOK bool
	// progress lines may precede the error line (promote reports its
	// preflight steps as it goes)
	progress bool
}

// biCtx is one case's working copy.
type biCtx struct {
	t    *testing.T
	Dir  string // cwd: fixtures, deploy/ (the copy), outside/
	Tree string // Dir/deploy
}

func (c *biCtx) path(rel string) string { return filepath.Join(c.Dir, rel) }

func (c *biCtx) write(rel string, data []byte, mode os.FileMode) {
	c.t.Helper()
	p := c.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, mode); err != nil {
		c.t.Fatal(err)
	}
}

func (c *biCtx) read(rel string) []byte {
	c.t.Helper()
	b, err := os.ReadFile(c.path(rel))
	if err != nil {
		c.t.Fatal(err)
	}
	return b
}

var biDigest = regexp.MustCompile(`sha256:[0-9a-f]{64}`)

// misalign changes the first digest of rel so that --fix has work to do.
func (c *biCtx) misalign(rel string) {
	c.t.Helper()
	b := c.read(rel)
	loc := biDigest.FindIndex(b)
	if loc == nil {
		c.t.Fatalf("%s has no digest", rel)
	}
	nb := append([]byte{}, b...)
	copy(nb[loc[0]+7:], "0000000000")
	st, _ := os.Stat(c.path(rel))
	c.write(rel, nb, st.Mode().Perm())
}

// escape moves rel out of the tree and leaves a symlink to it in its place.
func (c *biCtx) escape(rel string) {
	c.t.Helper()
	out := c.path("outside/" + filepath.Base(rel))
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.Rename(c.path(rel), out); err != nil {
		c.t.Fatal(err)
	}
	target, _ := filepath.Rel(filepath.Dir(c.path(rel)), out)
	if err := os.Symlink(target, c.path(rel)); err != nil {
		c.t.Fatal(err)
	}
}

// garbage is deterministic binary noise: NULs, invalid UTF-8, control bytes.
func biGarbage(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// big writes a syntactically valid values file of 50 MB.
func (c *biCtx) big(rel string) {
	c.t.Helper()
	var b bytes.Buffer
	b.WriteString("services:\n")
	pad := strings.Repeat("x", 200)
	for i := 0; b.Len() < 50<<20; i++ {
		fmt.Fprintf(&b, "  svc%d:\n    image: registry.stella-ops.org/stellaops/s%d:1.0\n    note: %q\n", i, i, pad)
	}
	c.write(rel, b.Bytes(), 0o644)
}

// biTree copies examples/stellaops/deploy and the committed fixtures into a
// temp dir.
func biTree(t *testing.T, repo string) *biCtx {
	t.Helper()
	c := &biCtx{t: t, Dir: t.TempDir()}
	c.Tree = filepath.Join(c.Dir, "deploy")
	for src, dst := range map[string]string{
		filepath.Join(repo, "examples/stellaops/deploy"):  c.Tree,
		filepath.Join(repo, "test/e2e/testdata/badinput"): c.Dir,
	} {
		if out, err := exec.Command("cp", "-R", src+"/.", dst).CombinedOutput(); err != nil {
			t.Fatalf("copy %s: %v %s", src, err, out)
		}
	}
	return c
}

// biRun runs one case in c.Dir against the shared namespace.
func biRun(t *testing.T, h *harness.T, c *biCtx, bc biCase) harness.Result {
	t.Helper()
	bin := filepath.Join(h.Env.Repo, "bin", bc.bin)
	var cmd *exec.Cmd
	if bc.shell != "" {
		cmd = exec.Command("bash", append([]string{"-c", bc.shell + ` "$@"`, "sh", bin}, bc.args...)...)
	} else {
		cmd = exec.Command(bin, bc.args...)
	}
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), "KUBECONFIG="+h.Env.Kubeconfig, "HELM_NAMESPACE="+h.Namespace, "NO_COLOR=1")
	cmd.Env = append(cmd.Env, bc.env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := harness.Result{Stdout: out.String(), Stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", bc.bin, err)
	}
	return r
}

// TestBadInput runs the corpus (badinput_cases_test.go): every case exits
// with its documented code, prints one "Error:" line naming the file:line or
// flag, changes no file of its deploy tree copy and, all cases together, no
// object of the namespace holding an installed release.
func TestBadInput(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	h.Must(h.Run(h.Helm3(), "install", "stellaops", h.Example("deploy/helm/stellaops"),
		"-f", h.Example("deploy/helm/stellaops/values-dev.yaml"), "-n", h.Namespace, "--wait", "--timeout", "2m"))
	// a second revision, so safe-rollback has a target and only bad input stops it
	h.Must(h.Run(h.Helm3(), "upgrade", "stellaops", h.Example("deploy/helm/stellaops"),
		"-f", h.Example("deploy/helm/stellaops/values-dev.yaml"), "-n", h.Namespace, "--wait", "--timeout", "2m"))
	unreachable := biUnreachable(t, t.TempDir())
	cases := biCases(h.Namespace, unreachable)
	if len(cases) < 50 {
		t.Fatalf("corpus has %d cases, want at least 50", len(cases))
	}
	seen := map[string]bool{}
	for _, bc := range cases {
		if seen[bc.name] {
			t.Fatalf("duplicate case name %q", bc.name)
		}
		seen[bc.name] = true
	}
	before := biObjects(t, h.Env.Kubeconfig, h.Namespace)
	t.Run("corpus", func(t *testing.T) {
		for _, bc := range cases {
			t.Run(bc.name, func(t *testing.T) {
				t.Parallel()
				c := biTree(t, h.Env.Repo)
				if bc.setup != nil {
					bc.setup(c)
				}
				files := biHashes(t, c.Dir)
				r := biRun(t, h, c, bc)
				biCheck(t, bc, r)
				if d := biDiff(files, biHashes(t, c.Dir)); len(d) > 0 {
					t.Errorf("%v changed files:\n%s", bc.args, strings.Join(d, "\n"))
				}
			})
		}
	})
	if d := biDiff(before, biObjects(t, h.Env.Kubeconfig, h.Namespace)); len(d) > 0 {
		t.Errorf("the corpus changed cluster objects:\n%s", strings.Join(d, "\n"))
	}
}

func biCheck(t *testing.T, bc biCase, r harness.Result) {
	t.Helper()
	line := strings.TrimSuffix(r.Stderr, "\n")
	if i := strings.LastIndex(line, "\n"); bc.progress && i >= 0 {
		if strings.Contains(line[:i], "Error") || strings.Contains(line[:i], "Usage:") {
			t.Errorf("%s %v: more than one error line:\n%s", bc.bin, bc.args, r.Stderr)
		}
		line = line[i+1:]
	}
	switch {
	case r.Code != bc.code:
		t.Errorf("%s %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", bc.bin, bc.args, r.Code, bc.code, r.Stdout, r.Stderr)
	case strings.Contains(line, "\n") || !strings.HasPrefix(line, "Error: "):
		t.Errorf("%s %v: stderr is not one \"Error:\" line:\n%s", bc.bin, bc.args, r.Stderr)
	case !strings.Contains(line, bc.want):
		t.Errorf("%s %v: stderr %q lacks %q", bc.bin, bc.args, line, bc.want)
	case r.Stdout != "" && !bc.stdoutOK:
		t.Errorf("%s %v: stdout not empty:\n%s", bc.bin, bc.args, r.Stdout)
	}
}
