//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestChannelFlowLintListsEveryFinding: a component dropped from the new
// manifest is still rendered by the chart's defaults. Files-only renders
// the chart after writing (align --lint), exits 2 like the cluster
// promote's preflight, restores every file, and lists every finding in the
// table and in -o json.
func TestChannelFlowLintListsEveryFinding(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	r := newChannelRepo(t)
	data, _ := os.ReadFile(r.manifest)
	lines := strings.SplitAfter(string(data), "\n")
	var kept []string
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "  - name: notify") {
			i++ // and its image line
			continue
		}
		kept = append(kept, lines[i])
	}
	os.WriteFile(r.manifest, []byte(strings.Join(kept, "")), 0o644)
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "manifest without notify")
	before := r.sum()

	table := r.promote("stable", r.manifest, "--git-commit")
	if table.Code != 2 || !strings.Contains(table.Stderr, "all listed") {
		t.Fatalf("exit %d\n%s\n%s", table.Code, table.Stdout, table.Stderr)
	}
	if r.sum() != before {
		t.Fatal("files not restored after the failed render check")
	}
	js := r.promote("stable", r.manifest, "--git-commit", "-o", "json")
	var out struct {
		Files struct {
			Align struct {
				Findings []struct {
					File, Component, Status string
					Line                    int
				} `json:"findings"`
			} `json:"align"`
		} `json:"files"`
	}
	if js.Code != 2 || json.Unmarshal([]byte(js.Stdout), &out) != nil {
		t.Fatalf("json: exit %d\n%s", js.Code, js.Stdout)
	}
	problems := 0
	for _, f := range out.Files.Align.Findings {
		if f.Status != "aligned" {
			problems++
			if !strings.Contains(table.Stdout, f.Component) || !strings.Contains(table.Stdout, f.Status) {
				t.Errorf("finding %+v not in the table", f)
			}
		}
	}
	if problems == 0 || !strings.Contains(table.Stdout, "notify") || !strings.Contains(table.Stdout, "FINDINGS (") {
		t.Fatalf("no findings listed (%d in JSON):\n%s", problems, table.Stdout)
	}
	if r.sum() != before {
		t.Fatal("files not restored")
	}
}

// TestChannelFlowWarnsSharedFiles: a values file that another channel also
// lists is rewritten with a warning naming that channel (stderr and JSON).
func TestChannelFlowWarnsSharedFiles(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	r := newChannelRepo(t)
	cfg := r.path("deploy/channels.yaml")
	data, _ := os.ReadFile(cfg)
	shared := strings.Replace(string(data), "      - helm/stellaops/values-airgap.yaml\n",
		"      - helm/stellaops/values-airgap.yaml\n      - helm/stellaops/values-prod.yaml\n", 1)
	os.WriteFile(cfg, []byte(shared), 0o644)
	r.git("commit", "-q", "-am", "airgap also lists values-prod")
	res := r.h.Must(r.promote("stable", r.manifest, "-o", "json"))
	var out struct {
		Files struct {
			Warnings []string `json:"warnings"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil {
		t.Fatal(err)
	}
	w := strings.Join(out.Files.Warnings, "\n")
	if !strings.Contains(w, "values-prod.yaml is also a file of channel airgap") || !strings.Contains(res.Stderr, "channel airgap") {
		t.Fatalf("warnings %q\nstderr:\n%s", w, res.Stderr)
	}
}
