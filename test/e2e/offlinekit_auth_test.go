//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/kit"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// TestOfflineKitTLSAuth proves the credentials path: a TLS registry (CA
// made by the test) with htpasswd basic auth; credentials only through
// --registry-config, the CA through --ca-file. Without credentials the
// copy fails (exit 1); with them it copies, pushes under a prefix and
// --check-registry passes. --platform keeps one child of an index.
func TestOfflineKitTLSAuth(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.NewLocal(t)
	reg := harness.StartRegistry(t, harness.RegistryOptions{TLSAuth: true})
	idx, children := pushIndex(t, reg, "stellaops/web-ui", "1.0")
	pins := map[string]string{"authority": pushImage(t, reg, "stellaops/authority", "1.0", 8<<10, 2), "web-ui": idx}
	dir := t.TempDir()
	cfg := airgapTree(h, filepath.Join(dir, "deploy"), pins)
	kitDir := filepath.Join(dir, "kit")
	bin := h.Plugin("helm-stella")
	noCreds := []string{"DOCKER_CONFIG=" + t.TempDir()}
	base := []string{"offline-kit", "images", "--config", cfg, "--channel", "airgap", "--offline-kit-dir", kitDir, "--ca-file", reg.CAFile}

	r := h.RunEnv(noCreds, bin, append(base, "--registry-config", filepath.Join(dir, "none.json"))...)
	if r.Code != 1 || !strings.Contains(r.Stderr, "UNAUTHORIZED") && !strings.Contains(r.Stderr, "401") {
		t.Fatalf("without credentials: exit %d\n%s", r.Code, r.Stderr)
	}
	if _, err := os.Stat(filepath.Join(kitDir, kit.ManifestPath)); err == nil {
		t.Fatal("a failed copy wrote kit.json")
	}
	withCreds := append(base, "--registry-config", reg.DockerCfg, "--platform", "linux/arm64")
	h.Must(h.RunEnv(noCreds, bin, withCreds...))
	m := readKit(h, kitDir)
	for _, img := range m.Images {
		if img.Component == "web-ui" && img.Digest != children["linux/arm64"].String() {
			t.Fatalf("--platform linux/arm64 stored %s, want the arm64 child %s", img.Digest, children["linux/arm64"])
		}
	}
	if m.Platform != "linux/arm64" {
		t.Fatalf("kit platform %q", m.Platform)
	}
	h.Must(h.Run(bin, "offline-kit", "verify", kitDir))

	r = h.Must(h.RunEnv(noCreds, bin, "offline-kit", "push", kitDir, "--registry", reg.Host+"/mirror", "--ca-file", reg.CAFile,
		"--registry-config", reg.DockerCfg, "-o", "flags"))
	if !inRegistry(t, reg, reg.Host+"/mirror/stellaops/web-ui@"+children["linux/arm64"].String()) {
		t.Fatal("platform image not pushed under the prefix")
	}
	args := append([]string{"align", "--config", cfg, "--channel", "airgap", "--check-registry", "--ca-file", reg.CAFile,
		"--registry-config", reg.DockerCfg}, strings.Fields(r.Stdout)...)
	// the pin names the index digest; the mirror holds only the arm64 child
	r = h.RunEnv(noCreds, bin, args...)
	if r.Code != 2 || !strings.Contains(r.Stdout, "web-ui") || strings.Count(r.Stdout, "missing-in-registry: digest not in registry") != 1 {
		t.Fatalf("index digest absent from the mirror: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	// the source registry holds every pin: with credentials it passes, without it is exit 1
	h.Must(h.RunEnv(noCreds, bin, "align", "--config", cfg, "--channel", "airgap", "--check-registry", "--ca-file", reg.CAFile, "--registry-config", reg.DockerCfg))
	r = h.RunEnv(noCreds, bin, "align", "--config", cfg, "--channel", "airgap", "--check-registry", "--ca-file", reg.CAFile)
	if r.Code != 1 || !strings.Contains(r.Stderr, reg.Host) {
		t.Fatalf("no credentials: exit %d\n%s", r.Code, r.Stderr)
	}
}
