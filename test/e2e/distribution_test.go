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
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	version := pluginVersion(h)
	b := distStarted
	if b == nil {
		b = startDistBuild(h.Env.Repo, t.TempDir())
	}
	clone := b.wait(h)
	dist := filepath.Join(clone, "dist")
	mirror := serveDir(t, dist)         // stands in for the release downloads
	nowhere := serveDir(t, t.TempDir()) // a download URL that answers 404
	tgz := filepath.Join(dist, "stella-"+version+"-linux-amd64.tgz")
	// a release with two revisions, for a cluster command run through helm
	for _, verb := range []string{"install", "upgrade"} {
		h.Must(h.Run(h.Helm3(), verb, "stellaops", h.Example("deploy/helm/stellaops"), "-n", h.Namespace,
			"-f", h.Example("deploy/helm/stellaops/values-dev.yaml")))
	}
	t.Run("helm3/git-checkout+download", func(t *testing.T) {
		env := []string{"HELM_STELLA_DOWNLOAD_URL=" + mirror}
		helmPlugin(h, t, h.Helm3(), version, gitCheckout(t, clone), env, true)
	})
	t.Run("helm4/git-checkout+HELM_STELLA_BIN_TGZ", func(t *testing.T) {
		env := []string{"HELM_STELLA_BIN_TGZ=" + tgz, "HELM_STELLA_DOWNLOAD_URL=" + nowhere}
		helmPlugin(h, t, h.Helm4(), version, gitCheckout(t, clone), env, true)
	})
	t.Run("helm3/git-checkout+build-from-source", func(t *testing.T) {
		env := []string{"HELM_STELLA_DOWNLOAD_URL=" + nowhere}
		helmPlugin(h, t, h.Helm3(), version, gitCheckout(t, clone), env, false)
	})
	t.Run("helm3/tarball-url", func(t *testing.T) {
		helmPlugin(h, t, h.Helm3(), version, mirror+"/stella-"+version+"-linux-amd64-flat.tgz", nil, false)
	})
	t.Run("helm4/tarball-local", func(t *testing.T) {
		helmPlugin(h, t, h.Helm4(), version, tgz, nil, false, "--verify=false")
	})
	t.Run("helm4/tarball-url-signed", func(t *testing.T) {
		// verified by default against the published key
		helmPlugin(h, t, h.Helm4(), version, mirror+"/stella-"+version+"-linux-amd64.tgz", nil, false,
			"--keyring", filepath.Join(dist, "stella-plugins.gpg"))
	})
	t.Run("helm4/tampered-tarball-refused", func(t *testing.T) {
		tamperedInstallRefused(h, t, dist, version)
	})
	t.Run("helm4/git-url", func(t *testing.T) {
		env := []string{"HELM_STELLA_BIN_TGZ=" + tgz, "HELM_STELLA_DOWNLOAD_URL=" + nowhere}
		helmPlugin(h, t, h.Helm4(), version, gitURL(t, clone), env, false, "--verify=false")
	})
	t.Run("helm3/no-source-works", func(t *testing.T) {
		env := append(helmEnv(t), "HELM_STELLA_DOWNLOAD_URL="+nowhere, "PATH=/usr/bin:/bin")
		r := h.RunEnv(env, h.Helm3(), "plugin", "install", gitCheckout(t, clone))
		if r.Code == 0 || !strings.Contains(r.Stdout+r.Stderr, "could not install helm-stella v"+version) {
			t.Fatalf("install with no way to get a binary: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
		}
	})
	t.Run("krew", func(t *testing.T) { krewInstall(h, t, clone, version) })
}

// gitCheckout is a fresh git checkout of the release clone (its origin).
func gitCheckout(t *testing.T, origin string) string {
	dir := filepath.Join(t.TempDir(), "stella")
	if out, err := exec.Command("git", "clone", "-q", origin, dir).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v %s", err, out)
	}
	return dir
}

// helmPlugin installs the plugin from source through a real helm CLI, runs
// it through helm, optionally updates it (VCS installs), and uninstalls it.
func helmPlugin(h *harness.T, t *testing.T, helm, version, source string, extraEnv []string, update bool, flags ...string) {
	env := append(helmEnv(t), extraEnv...)
	run := func(args ...string) harness.Result { return h.RunEnv(env, helm, args...) }
	r := run(append([]string{"plugin", "install", source}, flags...)...)
	if r.Code != 0 {
		t.Fatalf("plugin install %s: exit %d\n%s%s", source, r.Code, r.Stdout, r.Stderr)
	}
	t.Logf("install: %s", strings.TrimSpace(r.Stdout+r.Stderr))
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
	clusterFlagsReachPlugin(h, t, env, helm)
	if update {
		if r = run("plugin", "update", "stella"); r.Code != 0 {
			t.Fatalf("plugin update stella: exit %d: %s%s", r.Code, r.Stdout, r.Stderr)
		}
	}
	if r = run("plugin", "uninstall", "stella"); r.Code != 0 {
		t.Fatalf("plugin uninstall: %s%s", r.Stdout, r.Stderr)
	}
	if r = run("plugin", "list"); strings.Contains(r.Stdout, "stella") {
		t.Fatalf("still listed after uninstall: %s", r.Stdout)
	}
}

// clusterFlagsReachPlugin proves that -n and --kube-context given to helm
// reach the plugin (Helm strips them and exports HELM_NAMESPACE and
// HELM_KUBECONTEXT): a cluster command finds the release only in the
// namespace given with -n, and an unknown context is named in the error.
func clusterFlagsReachPlugin(h *harness.T, t *testing.T, env []string, helm string) {
	env = append(env, "HELM_NAMESPACE=default") // only -n may point at the test namespace
	r := h.RunEnv(env, helm, "-n", h.Namespace, "--kube-context", "stella-local", "stella", "safe-rollback", "stellaops", "--plan", "-o", "json")
	if r.Code != 0 || !strings.Contains(r.Stdout, h.Namespace) {
		t.Fatalf("helm -n %s --kube-context stella-local stella safe-rollback --plan: exit %d\n%s%s", h.Namespace, r.Code, r.Stdout, r.Stderr)
	}
	if r = h.RunEnv(env, helm, "stella", "safe-rollback", "stellaops", "--plan"); r.Code == 0 {
		t.Fatalf("without -n the release must not be found in namespace default: %s", r.Stdout)
	}
	r = h.RunEnv(env, helm, "-n", h.Namespace, "--kube-context", "no-such-context", "stella", "safe-rollback", "stellaops", "--plan")
	if r.Code != 1 || !strings.Contains(r.Stderr, "no-such-context") {
		t.Fatalf("--kube-context no-such-context: exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// serveDir serves a directory on 127.0.0.1 for the test's lifetime.
func serveDir(t *testing.T, dir string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	files := http.FileServer(http.Dir(dir))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip") // Helm 3 detects archives by media type
		files.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
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
