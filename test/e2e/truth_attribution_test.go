//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// attrPromote runs promote of the stable channel with the values files in
// Helm's order.
func attrPromote(h *harness.T, extra []string, values ...string) harness.Result {
	h.Helper()
	args := []string{"promote", rbRel, h.Example("deploy/helm/stellaops"), "-n", h.Namespace,
		"--config", h.Example("deploy/channels.yaml"), "--channel", "stable", "--no-smoke", "--timeout", "2m"}
	for _, v := range values {
		args = append(args, "-f", v)
	}
	return h.Run(h.Plugin("helm-stella"), append(args, extra...)...)
}

type attrFinding struct {
	Status, Component, File, Source, ValuesFile string
	Line, ValuesLine                            int
}

// attrDrift asserts exit 2, nothing installed, and that every authority
// finding (values and rendered) names file:line as the value's source, in
// the table and in JSON.
func attrDrift(h *harness.T, file string, line int, values ...string) {
	h.Helper()
	want := fmt.Sprintf("%s:%d", file, line)
	r := attrPromote(h, nil, values...)
	if r.Code != 2 || !strings.Contains(r.Stdout, "VALUE FROM") {
		h.Fatalf("promote with drift: exit %d, want 2\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, l := range strings.Split(r.Stdout, "\n") {
		if strings.Contains(l, "authority") && strings.Contains(l, "mismatch") && !strings.HasSuffix(strings.TrimSpace(l), want) {
			h.Errorf("table row does not end with the values file at fault %s: %q", want, l)
		}
	}
	r = attrPromote(h, []string{"-o", "json"}, values...)
	var res struct{ Findings []attrFinding }
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || r.Code != 2 {
		h.Fatalf("promote -o json: exit %d %v\n%s", r.Code, err, r.Stdout)
	}
	rendered, direct := 0, 0
	for _, f := range res.Findings {
		if f.Component != "authority" || f.Status != "mismatch" {
			h.Errorf("unexpected finding %+v", f)
			continue
		}
		if f.ValuesFile != file || f.ValuesLine != line {
			h.Errorf("finding %+v: value from %s:%d, want %s", f, f.ValuesFile, f.ValuesLine, want)
		}
		if f.Source == "rendered" {
			rendered++
			if !strings.Contains(f.File, "templates/services.yaml") {
				h.Errorf("rendered finding at %s", f.File)
			}
		} else if f.File == file && f.Line == line {
			direct++
		}
	}
	if rendered != 1 || direct != 1 {
		h.Errorf("findings %+v: want one values finding at %s and one rendered", res.Findings, want)
	}
	if out := h.Run(h.Helm3(), "status", rbRel, "-n", h.Namespace); out.Code == 0 {
		h.Errorf("a drift refusal installed the release")
	}
}

// promote -f values-stage.yaml -f overlay.yaml: the -f files are merged as
// Helm merges them; a wrong digest written by the overlay is named at the
// overlay's line, a wrong digest of the base (the overlay setting only
// annotations) at the base's; an overlay without images promotes.
func TestTruthAttributionNamesValuesFile(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	dir := h.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stage := h.Example("deploy/helm/stellaops/values-stage.yaml")
	overlay := write("overlay.yaml", "# hotfix overlay\nservices:\n  authority:\n    image:\n      digest: \"sha256:"+strings.Repeat("1", 64)+"\"\n")
	attrDrift(h, overlay, 5, stage, overlay)

	b, err := os.ReadFile(stage)
	if err != nil {
		t.Fatal(err)
	}
	base := write("values-stage.yaml", strings.Replace(string(b), stableAuthority, "sha256:"+strings.Repeat("0", 64), 1))
	notes := write("notes.yaml", "podAnnotations:\n  authority:\n    stella.test/note: planned\n")
	attrDrift(h, base, 13, base, notes)

	r := attrPromote(h, nil, stage, notes)
	if r.Code != 0 {
		t.Fatalf("promote with an annotations-only overlay: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	v := h.Must(h.Run(h.Helm3(), "get", "values", rbRel, "-n", h.Namespace, "-o", "json")).Stdout
	if !strings.Contains(v, "planned") || !strings.Contains(v, stableAuthority) {
		t.Errorf("installed values lack the overlay or the base:\n%s", v)
	}
}
