//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// TestOfflineKitMirrorDebug: runbook §2.4 through the binary, with a real
// debug file (gcc + objcopy --only-keep-debug) and a non-ELF one.
func TestOfflineKitMirrorDebug(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.NewLocal(t)
	work, rel, kitDir := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "kit")
	src := filepath.Join(work, "m.c")
	os.WriteFile(src, []byte("int main(void){return 0;}\n"), 0o644)
	for _, c := range [][]string{
		{"gcc", "-g", "-Wl,--build-id=sha1", "-o", filepath.Join(work, "m"), src},
		{"objcopy", "--only-keep-debug", filepath.Join(work, "m"), filepath.Join(work, "m.debug")},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", c, err, out)
		}
	}
	out, _ := exec.Command("readelf", "-n", filepath.Join(work, "m.debug")).Output()
	id := regexp.MustCompile(`Build ID: ([0-9a-f]+)`).FindStringSubmatch(string(out))[1]
	good := filepath.Join(rel, "debug/.build-id", id[:2], id[2:]+".debug")
	os.MkdirAll(filepath.Dir(good), 0o755)
	data, _ := os.ReadFile(filepath.Join(work, "m.debug"))
	os.WriteFile(good, data, 0o644)
	bad := filepath.Join(rel, "debug/.build-id/ab/cdef.debug")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte("not elf"), 0o644)
	bin := h.Plugin("helm-stella")
	args := []string{"offline-kit", "mirror-debug", "--release-dir", rel, "--offline-kit-dir", kitDir}

	r := h.Run(bin, args...)
	if r.Code != 2 || !strings.Contains(r.Stderr, "debug/.build-id/ab/cdef.debug (not ELF") {
		t.Fatalf("non-ELF file: exit %d\n%s", r.Code, r.Stderr)
	}
	if _, err := os.Stat(kitDir); err == nil {
		t.Fatal("a refused run created the kit")
	}
	os.Remove(bad)
	r = h.Must(h.Run(bin, append(args, "-o", "json")...))
	if !strings.Contains(r.Stdout, `"buildId": "`+id+`"`) || !strings.Contains(r.Stdout, `"buildIdNote": true`) {
		t.Fatalf("json:\n%s", r.Stdout)
	}
	store, _ := os.ReadFile(filepath.Join(kitDir, "metadata/debug-store.json"))
	r = h.Must(h.Run(bin, args...))
	if !strings.Contains(r.Stdout, "debug store unchanged: 1 file(s), 0 copied, 1 unchanged") {
		t.Fatalf("second run:\n%s", r.Stdout)
	}
	again, _ := os.ReadFile(filepath.Join(kitDir, "metadata/debug-store.json"))
	if string(store) != string(again) {
		t.Fatal("debug-store.json not stable")
	}
	h.Must(h.Run(bin, "offline-kit", "verify", kitDir))
	os.WriteFile(filepath.Join(kitDir, "debug/.build-id", id[:2], id[2:]+".debug"), []byte("x"), 0o644)
	r = h.Run(bin, "offline-kit", "verify", kitDir)
	if r.Code != 2 || !strings.Contains(r.Stdout, id[2:]+".debug: size 1") {
		t.Fatalf("tampered debug file: exit %d\n%s", r.Code, r.Stdout)
	}
}

// TestOfflineKitBadInput: exit 4, one Error line, nothing written.
func TestOfflineKitBadInput(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.NewLocal(t)
	bin := h.Plugin("helm-stella")
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	kitDir := filepath.Join(dir, "kit")
	cfg := h.Example("deploy/channels.yaml")
	cases := map[string][]string{
		"images without channel":  {"offline-kit", "images", "--config", cfg, "--offline-kit-dir", kitDir},
		"images unknown channel":  {"offline-kit", "images", "--config", cfg, "--channel", "nope", "--offline-kit-dir", kitDir},
		"images bad platform":     {"offline-kit", "images", "--config", cfg, "--channel", "airgap", "--offline-kit-dir", kitDir, "--platform", "arm64"},
		"images kit dir is file":  {"offline-kit", "images", "--config", cfg, "--channel", "airgap", "--offline-kit-dir", file},
		"images bad ca file":      {"offline-kit", "images", "--config", cfg, "--channel", "airgap", "--offline-kit-dir", kitDir, "--ca-file", file},
		"images missing channels": {"offline-kit", "images", "--config", filepath.Join(dir, "none.yaml"), "--channel", "airgap", "--offline-kit-dir", kitDir},
		"push not a kit":          {"offline-kit", "push", dir, "--registry", "127.0.0.1:1"},
		"push bad registry":       {"offline-kit", "push", dir, "--registry", "http://127.0.0.1:1"},
		"push no arg":             {"offline-kit", "push", "--registry", "127.0.0.1:1"},
		"verify not a kit":        {"offline-kit", "verify", dir},
		"verify two args":         {"offline-kit", "verify", dir, dir},
		"mirror-debug no debug":   {"offline-kit", "mirror-debug", "--release-dir", dir, "--offline-kit-dir", kitDir},
		"mirror-debug no flags":   {"offline-kit", "mirror-debug"},
		"check bad registry map":  {"align", "--config", cfg, "--channel", "airgap", "--check-registry", "--registry-map", "nope"},
		"unknown flag":            {"offline-kit", "images", "--bogus"},
	}
	for name, args := range cases {
		r := h.Run(bin, args...)
		if r.Code != 4 || strings.Count(r.Stderr, "Error:") != 1 {
			t.Errorf("%s: exit %d, want 4 with one Error line\n%s", name, r.Code, r.Stderr)
		}
		if _, err := os.Stat(kitDir); err == nil {
			t.Fatalf("%s: wrote %s", name, kitDir)
		}
	}
}
