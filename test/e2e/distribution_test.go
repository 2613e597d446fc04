//go:build e2e

package e2e

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// distOnce builds the linux/amd64 release twice in a clone of HEAD and
// checks the two runs give identical checksums; it returns the clone.
func distOnce(h *harness.T) string {
	h.Helper()
	clone := filepath.Join(h.TempDir(), "clone")
	if out, err := exec.Command("git", "clone", "-q", h.Env.Repo, clone).CombinedOutput(); err != nil {
		h.Fatalf("git clone: %v %s", err, out)
	}
	var sums [2]string
	for i := range sums {
		cmd := exec.Command("make", "dist", "DIST_PLATFORMS=linux/amd64")
		cmd.Dir = clone
		out, err := cmd.CombinedOutput()
		if err != nil {
			h.Fatalf("make dist: %v\n%s", err, out)
		}
		b, err := os.ReadFile(filepath.Join(clone, "dist/SHA256SUMS"))
		if err != nil {
			h.Fatal(err)
		}
		sums[i] = string(b)
	}
	if sums[0] != sums[1] || !strings.Contains(sums[0], "kubectl-stella_v") || !strings.Contains(sums[0], "  stella-") {
		h.Fatalf("make dist is not reproducible or incomplete:\n%s\n---\n%s", sums[0], sums[1])
	}
	return clone
}

func pluginVersion(h *harness.T) string {
	b, err := os.ReadFile(filepath.Join(h.Env.Repo, "plugin.yaml"))
	if err != nil {
		h.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^version: "([^"]+)"`).FindSubmatch(b)
	if m == nil {
		h.Fatal("plugin.yaml has no version")
	}
	return string(m[1])
}

// helmEnv isolates a helm CLI's plugin, config and cache dirs in temp dirs.
func helmEnv(t *testing.T) []string {
	d := t.TempDir()
	return []string{"HELM_DATA_HOME=" + d + "/data", "HELM_CONFIG_HOME=" + d + "/config", "HELM_CACHE_HOME=" + d + "/cache"}
}

func TestDistribution(t *testing.T) {
	h := harness.New(t)
	version := pluginVersion(h)
	clone := distOnce(h)
	tgz := filepath.Join(clone, "dist", "stella-"+version+"-linux-amd64.tgz")
	for _, helm := range []struct{ name, bin string }{{"helm3", h.Helm3()}, {"helm4", h.Helm4()}} {
		t.Run(helm.name+"/repo-dir", func(t *testing.T) { helmPluginLifecycle(h, t, helm.bin, version, h.Env.Repo) })
	}
	t.Run("helm3/tarball-url", func(t *testing.T) {
		url := serveFile(t, tgz)
		helmPluginLifecycle(h, t, h.Helm3(), version, url)
	})
	t.Run("helm4/tarball-local", func(t *testing.T) {
		helmPluginLifecycle(h, t, h.Helm4(), version, tgz, "--verify=false")
	})
	t.Run("krew", func(t *testing.T) { krewInstall(h, t, clone, version) })
}

// helmPluginLifecycle installs the plugin from source, runs it through helm,
// updates and uninstalls it.
func helmPluginLifecycle(h *harness.T, t *testing.T, helm, version, source string, extra ...string) {
	env := helmEnv(t)
	run := func(args ...string) harness.Result { return h.RunEnv(env, helm, args...) }
	r := run(append([]string{"plugin", "install", source}, extra...)...)
	if r.Code != 0 {
		t.Fatalf("plugin install %s: exit %d\n%s%s", source, r.Code, r.Stdout, r.Stderr)
	}
	if r = run("plugin", "list"); !strings.Contains(r.Stdout, "stella") || !strings.Contains(r.Stdout, version) {
		t.Fatalf("plugin list: %s", r.Stdout)
	}
	if r = run("stella", "version", "-o", "json"); r.Code != 0 || !strings.Contains(r.Stdout, `"version": "`+version+`"`) {
		t.Fatalf("helm stella version: exit %d %s %s", r.Code, r.Stdout, r.Stderr)
	}
	r = run("stella", "align", "--channel", "edge", "--config", h.Example("deploy/channels.yaml"))
	if r.Code != 0 {
		t.Fatalf("helm stella align --channel edge: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if r = run("stella", "align", "--channel", "nope", "--config", h.Example("deploy/channels.yaml")); r.Code != 4 {
		t.Fatalf("unknown channel through helm: exit %d, want 4 (%s)", r.Code, r.Stderr)
	}
	if r = run("plugin", "update", "stella"); r.Code != 0 {
		t.Logf("plugin update stella: exit %d: %s%s", r.Code, r.Stdout, r.Stderr)
		if !strings.HasPrefix(source, "http") {
			t.Fatalf("plugin update of a local install failed")
		}
	}
	if r = run("plugin", "uninstall", "stella"); r.Code != 0 {
		t.Fatalf("plugin uninstall: %s%s", r.Stdout, r.Stderr)
	}
	if r = run("plugin", "list"); strings.Contains(r.Stdout, "stella") {
		t.Fatalf("still listed after uninstall: %s", r.Stdout)
	}
}

// serveFile serves one file on 127.0.0.1 for the test's lifetime.
func serveFile(t *testing.T, path string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip") // Helm 3 detects archives by media type
		http.ServeFile(w, r, path)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/" + filepath.Base(path)
}

func krewInstall(h *harness.T, t *testing.T, clone, version string) {
	root := t.TempDir()
	pathDir := filepath.Join(root, "path")
	if err := os.MkdirAll(pathDir, 0o755); err != nil {
		t.Fatal(err)
	}
	krewBin := filepath.Join(h.Env.BinDir, "krew-"+h.Env.Versions["KREW_VERSION"])
	for link, target := range map[string]string{"kubectl": h.Kubectl(), "kubectl-krew": filepath.Join(krewBin, "krew")} {
		if err := os.Symlink(target, filepath.Join(pathDir, link)); err != nil {
			t.Fatal(err)
		}
	}
	krewRoot := filepath.Join(root, "krew")
	env := []string{"KREW_ROOT=" + krewRoot, "PATH=" + filepath.Join(krewRoot, "bin") + ":" + pathDir + ":/usr/bin:/bin"}
	manifest := filepath.Join(clone, "krew/stella.yaml")
	if r := h.RunEnv(env, filepath.Join(krewBin, "validate-krew-manifest"), "-manifest", manifest, "-skip-install"); r.Code != 0 {
		t.Fatalf("validate-krew-manifest: %s%s", r.Stdout, r.Stderr)
	}
	archive := filepath.Join(clone, "dist", "kubectl-stella_v"+version+"_linux_amd64.tar.gz")
	if r := h.RunEnv(env, "kubectl", "krew", "install", "--manifest="+manifest, "--archive="+archive); r.Code != 0 {
		t.Fatalf("krew install: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if r := h.RunEnv(env, "kubectl", "plugin", "list"); !strings.Contains(r.Stdout, filepath.Join(krewRoot, "bin", "kubectl-stella")) {
		t.Fatalf("kubectl plugin list does not find kubectl-stella: %s%s", r.Stdout, r.Stderr)
	}
	if r := h.RunEnv(env, "kubectl", "stella", "version", "-o", "json"); r.Code != 0 || !strings.Contains(r.Stdout, `"version": "`+version+`"`) {
		t.Fatalf("kubectl stella version: exit %d %s%s", r.Code, r.Stdout, r.Stderr)
	}
	// krew refuses to uninstall before its index exists; an empty one will do (no network)
	if out, err := exec.Command("git", "init", "-q", filepath.Join(krewRoot, "index", "default")).CombinedOutput(); err != nil {
		t.Fatalf("git init index: %v %s", err, out)
	}
	if r := h.RunEnv(env, "kubectl", "krew", "uninstall", "stella"); r.Code != 0 {
		t.Fatalf("krew uninstall: %s%s", r.Stdout, r.Stderr)
	}
}
