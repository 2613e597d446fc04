package harness

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// EndpointsSuite writes the endpoints-only smoke suite (release stellaops)
// the fault tests' promotes run.
func (h *T) EndpointsSuite() string {
	p := filepath.Join(h.TempDir(), "smoke.yaml")
	if err := os.WriteFile(p, []byte("release: stellaops\ntimeout: 20s\nchecks:\n  - name: endpoints\n    endpoints: {min: 1}\n"), 0o644); err != nil {
		h.Fatal(err)
	}
	return p
}

// StageValues writes name: the example's values-stage.yaml plus extra
// (align checks every -f file whole, so overrides go in one file).
func (h *T) StageValues(name, extra string) string {
	b, err := os.ReadFile(h.Example("deploy/helm/stellaops/values-stage.yaml"))
	if err != nil {
		h.Fatal(err)
	}
	p := filepath.Join(h.TempDir(), name)
	if err := os.WriteFile(p, append(b, extra...), 0o644); err != nil {
		h.Fatal(err)
	}
	return p
}

// HelmStatus is .info.status of `helm status rel -o json` in the test's
// namespace.
func (h *T) HelmStatus(rel string) string {
	h.Helper()
	var s struct {
		Info struct {
			Status string `json:"status"`
		} `json:"info"`
	}
	r := h.Must(h.Run(h.Helm3(), "status", rel, "-n", h.Namespace, "-o", "json"))
	if err := json.Unmarshal([]byte(r.Stdout), &s); err != nil {
		h.Fatalf("helm status: %v", err)
	}
	return s.Info.Status
}
