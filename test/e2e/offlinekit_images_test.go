//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/stella-ops/stella-plugins/pkg/kit"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

func readKit(h *harness.T, dir string) kit.Manifest {
	h.Helper()
	data, err := os.ReadFile(filepath.Join(dir, kit.ManifestPath))
	if err != nil {
		h.Fatal(err)
	}
	var m kit.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		h.Fatal(err)
	}
	return m
}

// TestOfflineKitAirgapPath: images from a plain-HTTP loopback registry into
// a kit, resumed, verified, tampered, pushed to a second (mirror) registry,
// then align --check-registry against the mirror: passes, then fails on
// the one digest deleted from the mirror, then exit 1 when it is gone.
func TestOfflineKitAirgapPath(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.NewLocal(t)
	src := harness.StartRegistry(t, harness.RegistryOptions{})
	pins := map[string]string{
		"authority": pushImage(t, src, "stellaops/authority", "1.0", 64<<10, 3),
		"concelier": pushImage(t, src, "stellaops/concelier", "1.0", 32<<10, 2),
		"mongo":     pushImage(t, src, "library/mongo", "7.0.14", 16<<10, 1),
	}
	webUI, children := pushIndex(t, src, "stellaops/web-ui", "1.0")
	pins["web-ui"] = webUI
	dir := t.TempDir()
	cfg := airgapTree(h, filepath.Join(dir, "deploy"), pins)
	kitDir := filepath.Join(dir, "offline-kit")
	bin := h.Plugin("helm-stella")

	r := h.Must(h.Run(bin, "offline-kit", "images", "--config", cfg, "--channel", "airgap", "--offline-kit-dir", kitDir, "--plain-http"))
	if !strings.Contains(r.Stdout, "4 image(s): 4 copied, 0 already present") {
		t.Fatalf("first run:\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "offline-kit images: authority copied") {
		t.Errorf("no plain progress lines off a TTY:\n%s", r.Stderr)
	}
	m := readKit(h, kitDir)
	if m.Channel != "airgap" || len(m.Images) != 4 {
		t.Fatalf("kit.json: %+v", m)
	}
	for _, img := range m.Images {
		if !strings.HasSuffix(pins[img.Component], "@"+img.Digest) || img.Size <= 0 {
			t.Errorf("%s: digest %s size %d, pinned %s", img.Component, img.Digest, img.Size, pins[img.Component])
		}
	}
	roles := map[string]bool{}
	for _, f := range m.Files {
		roles[f.Role] = true
	}
	for _, role := range []string{"release-manifest", "values", "compose", "env", "chart"} {
		if !roles[role] {
			t.Errorf("kit.json files lack a %s: %+v", role, m.Files)
		}
	}
	// the layout is a real OCI layout: go-containerregistry reads the index whole
	lp, err := layout.FromPath(filepath.Join(kitDir, kit.LayoutDir))
	if err != nil {
		t.Fatal(err)
	}
	ii, _ := lp.ImageIndex()
	im, _ := ii.IndexManifest()
	if len(im.Manifests) != 4 {
		t.Fatalf("index.json has %d entries", len(im.Manifests))
	}
	for _, d := range children {
		if _, err := os.Stat(filepath.Join(kitDir, kit.LayoutDir, "blobs", d.Algorithm, d.Hex)); err != nil {
			t.Errorf("multi-arch child %s not kept: %v", d, err)
		}
	}

	// resumable: nothing new, nothing fetched
	r = h.Must(h.Run(bin, "offline-kit", "images", "--config", cfg, "--channel", "airgap", "--offline-kit-dir", kitDir, "--plain-http"))
	if !strings.Contains(r.Stdout, "0 copied, 4 already present; 0 B downloaded") {
		t.Fatalf("second run:\n%s", r.Stdout)
	}
	checkEntryRerun(h, r, cfg, kitDir)
	h.Must(h.Run(bin, "offline-kit", "verify", kitDir))
	checkTamper(h, bin, kitDir, m)

	// push to the mirror, then check the mirror
	mirror := harness.StartRegistry(t, harness.RegistryOptions{})
	r = h.Must(h.Run(bin, "offline-kit", "push", kitDir, "--registry", mirror.Host+"/site", "--plain-http", "-o", "flags"))
	flags := strings.Fields(r.Stdout)
	for c, p := range pins {
		_, rest, _ := strings.Cut(p, "/")
		if !inRegistry(t, mirror, mirror.Host+"/site/"+rest) {
			t.Errorf("%s: %s not in the mirror", c, rest)
		}
	}
	checkRegistry(h, bin, cfg, src, mirror, flags, pins)
}

// checkEntryRerun: the rerun with nothing new (r) was answered by the
// helm-stella entry from the kit alone, with exactly the table the core's
// full rerun prints; after a values edit the entry hands the run to the core,
// which copies the new file, and the next rerun is the entry's again.
func checkEntryRerun(h *harness.T, r harness.Result, cfg, kitDir string) {
	h.Helper()
	args := []string{"offline-kit", "images", "--config", cfg, "--channel", "airgap", "--offline-kit-dir", kitDir, "--plain-http"}
	if !strings.Contains(r.Stderr, "is current (4 image(s)") {
		h.Fatalf("the entry did not answer the rerun itself:\n%s", r.Stderr)
	}
	full := h.Must(h.Run(h.Plugin("helm-stella-core"), args...))
	if full.Stdout != r.Stdout || strings.Contains(full.Stderr, "is current") {
		h.Fatalf("entry and core differ on a rerun:\n%s\nvs the core's\n%s", r.Stdout, full.Stdout)
	}
	values := filepath.Join(filepath.Dir(cfg), "values-airgap.yaml")
	f, err := os.OpenFile(values, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		h.Fatal(err)
	}
	_, err = f.WriteString("# edited\n")
	f.Close()
	if err != nil {
		h.Fatal(err)
	}
	r = h.Must(h.Run(h.Plugin("helm-stella"), args...))
	if strings.Contains(r.Stderr, "is current") || !strings.Contains(r.Stdout, "0 copied, 4 already present") {
		h.Fatalf("a values edit was answered as current:\n%s\n%s", r.Stderr, r.Stdout)
	}
	r = h.Must(h.Run(h.Plugin("helm-stella"), args...))
	if !strings.Contains(r.Stderr, "is current") {
		h.Fatalf("the rerun after the copy was not the entry's:\n%s", r.Stderr)
	}
}

// checkTamper: a flipped blob and a deleted file are each named, exit 2.
func checkTamper(h *harness.T, bin, kitDir string, m kit.Manifest) {
	h.Helper()
	img := m.Images[0]
	blob := filepath.Join(kitDir, kit.LayoutDir, "blobs", "sha256", strings.TrimPrefix(img.Digest, "sha256:"))
	orig, _ := os.ReadFile(blob)
	os.WriteFile(blob, append([]byte(" "), orig...), 0o644)
	values := filepath.Join(kitDir, "values", "values-airgap.yaml")
	vdata, _ := os.ReadFile(values)
	os.Remove(values)
	r := h.Run(bin, "offline-kit", "verify", kitDir)
	if r.Code != 2 || !strings.Contains(r.Stdout, strings.TrimPrefix(img.Digest, "sha256:")) ||
		!strings.Contains(r.Stdout, "values/values-airgap.yaml: missing") {
		h.Fatalf("verify of a tampered kit: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	os.WriteFile(blob, orig, 0o644)
	os.WriteFile(values, vdata, 0o644)
	h.Must(h.Run(bin, "offline-kit", "verify", kitDir))
}

func checkRegistry(h *harness.T, bin, cfg string, src, mirror *harness.Registry, flags []string, pins map[string]string) {
	h.Helper()
	args := append([]string{"align", "--config", cfg, "--channel", "airgap", "--check-registry", "--plain-http"}, flags...)
	r := h.Must(h.Run(bin, args...))
	if strings.Contains(r.Stdout, "missing-in-registry") {
		h.Fatalf("aligned mirror reported missing:\n%s", r.Stdout)
	}
	_, rest, _ := strings.Cut(pins["concelier"], "/")
	repo, digest, _ := strings.Cut(rest, "@")
	repo, _, _ = strings.Cut(repo, ":")
	deleteManifest(h, mirror, "site/"+repo, digest)
	r = h.Run(bin, args...)
	if r.Code != 2 || !strings.Contains(r.Stdout, "missing-in-registry") || !strings.Contains(r.Stdout, "concelier") ||
		strings.Count(r.Stdout, "missing-in-registry: digest not in registry") != 1 {
		h.Fatalf("digest deleted from the mirror: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	// without the map, the source registry (which has everything) is checked
	h.Must(h.Run(bin, "align", "--config", cfg, "--channel", "airgap", "--check-registry", "--plain-http"))
	// an unreachable mirror is exit 1 naming it
	bad := []string{"align", "--config", cfg, "--channel", "airgap", "--check-registry", "--plain-http",
		"--registry-map", "127.0.0.1:1/site=" + src.Host, "--registry-timeout", "2s"}
	r = h.Run(bin, bad...)
	if r.Code != 1 || !strings.Contains(r.Stderr, "cannot reach 127.0.0.1:1") {
		h.Fatalf("unreachable registry: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}
