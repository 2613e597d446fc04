//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// runAlignIn runs helm-stella align in dir (a copy of testdata/align).
func runAlignIn(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(harness.Get().Repo, "bin", "helm-stella"), append([]string{"align", "--release", "release.yaml"}, args...)...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "NO_COLOR=1")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	_ = cmd.Run()
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

func alignCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(harness.Get().Repo, "test/e2e/testdata/align")
	if out, err := exec.Command("cp", "-R", src+"/.", dir).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v %s", err, out)
	}
	return dir
}

// rowsWith counts table rows (lines naming the target) whose STATUS is st.
func rowsWith(out, target, st string) int {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, target) && strings.Contains(l, "  "+st+"  ") {
			n++
		}
	}
	return n
}

// TestAlignOutputRows: the table lists only what needs attention plus a
// one-line summary; -o wide lists every row; -o json holds every finding.
func TestAlignOutputRows(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	dir := alignCopy(t)
	const target = "merge-insert/values.yaml" // concelier aligned, authority unpinned
	out, _, code := runAlignIn(t, dir, "--target", target)
	if code != 2 || rowsWith(out, target, "aligned") != 0 || rowsWith(out, target, "unpinned") == 0 {
		t.Fatalf("default table: exit %d (want 2), want unpinned rows and no aligned row:\n%s", code, out)
	}
	if !strings.Contains(out, "drift: 1 aligned, 2 unpinned (1 aligned row(s) not listed: -o wide)\n") {
		t.Fatalf("default table lacks the one-line summary:\n%s", out)
	}
	wide, _, code := runAlignIn(t, dir, "--target", target, "-o", "wide")
	if code != 2 || rowsWith(wide, target, "aligned") != 1 || rowsWith(wide, target, "unpinned") != 2 || strings.Contains(wide, "not listed") {
		t.Fatalf("-o wide: exit %d, want every row (1 aligned, 2 unpinned):\n%s", code, wide)
	}
	js, _, _ := runAlignIn(t, dir, "--target", target, "-o", "json")
	var res struct{ Findings []struct{ Status string } }
	if err := json.Unmarshal([]byte(js), &res); err != nil || len(res.Findings) != 3 {
		t.Fatalf("-o json: %v, want 3 findings (aligned ones included):\n%s", err, js)
	}
	clean, _, code := runAlignIn(t, dir, "--target", "alias-shared/values.yaml", "--fix")
	if code != 0 || strings.Contains(clean, "TARGET") || !strings.HasPrefix(clean, "aligned: ") {
		t.Fatalf("nothing needing attention: want the summary alone, exit 0; got exit %d:\n%s", code, clean)
	}
}

// TestAlignHelmWarnings: what the Helm SDK logs while align --lint renders
// (coalesce: the chart's string default under a map override) is printed
// once, as a "warning:" line, untimestamped, without the value.
func TestAlignHelmWarnings(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	dir := alignCopy(t)
	out, errOut, code := runAlignIn(t, dir, "--target", "lint/values.yaml", "--lint", "--chart", "chart")
	if code != 2 { // concelier is not rendered by the test chart: missing
		t.Fatalf("exit %d, want 2:\n%s%s", code, out, errOut)
	}
	want := "warning: lint/values.yaml: helm: destination for authority.image is a table. Ignoring non-table value\n"
	if n := strings.Count(errOut, want); n != 1 {
		t.Fatalf("stderr has %q %d times, want once:\n%s", want, n, errOut)
	}
	if n := strings.Count(errOut, "is a table"); n != 1 {
		t.Fatalf("the coalesce warning appears %d times, want once:\n%s", n, errOut)
	}
	stamped := regexp.MustCompile(`(?m)^\d{4}/\d{2}/\d{2} |coalesce\.go:`)
	if l := stamped.FindString(out + errOut); l != "" {
		t.Fatalf("a log line (timestamp or file prefix %q) leaked:\n%s%s", l, out, errOut)
	}
	if strings.Contains(out+errOut, "default-value") {
		t.Fatalf("the ignored value was printed:\n%s%s", out, errOut)
	}
}
