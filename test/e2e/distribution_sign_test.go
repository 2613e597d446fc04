//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// writeSigningKey makes a release key for the run: a secret keyring in dir,
// and the environment that makes `make dist` sign with it.
func writeSigningKey(dir string) ([]string, error) {
	e, err := openpgp.NewEntity("Stella Release Test", "", "release@stella.invalid", nil)
	if err != nil {
		return nil, err
	}
	ring := filepath.Join(dir, "secring.gpg")
	f, err := os.Create(ring)
	if err != nil {
		return nil, err
	}
	if err := e.SerializePrivate(f, nil); err != nil {
		_ = f.Close()
		return nil, err
	}
	return []string{"STELLA_SIGN_KEY=" + ring, "STELLA_SIGN_NAME=release@stella.invalid"}, f.Close()
}

// tamperedInstallRefused serves the signed release with one byte of the
// plugin tarball changed: Helm 4 must refuse it and install nothing.
func tamperedInstallRefused(h *harness.T, t *testing.T, dist, version string) {
	dir := t.TempDir()
	name := "stella-" + version + "-linux-amd64.tgz"
	for _, f := range []string{name, name + ".prov"} {
		b, err := os.ReadFile(filepath.Join(dist, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == name {
			b[len(b)/2] ^= 0xff
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := helmEnv(t)
	r := h.RunEnv(env, h.Helm4(), "plugin", "install", serveDir(t, dir)+"/"+name, "--keyring", filepath.Join(dist, "stella-plugins.gpg"))
	if r.Code == 0 || !strings.Contains(r.Stdout+r.Stderr, "sha256 sum does not match") {
		t.Fatalf("tampered tarball: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if r = h.RunEnv(env, h.Helm4(), "plugin", "list"); strings.Contains(r.Stdout, "stella") {
		t.Fatalf("a refused plugin is listed: %s", r.Stdout)
	}
}

// gitURL serves a bare git repository of the release clone over git's
// dumb HTTP protocol on 127.0.0.1 and returns its URL. Not file://: Helm's
// VCS detection (Masterminds/vcs) needs a host and a ".git" path to know
// the source is git without asking a server.
func gitURL(t *testing.T, clone string) string {
	root := t.TempDir()
	dir := filepath.Join(root, "stella.git")
	for _, args := range [][]string{{"clone", "-q", "--bare", clone, dir}, {"-C", dir, "update-server-info"}} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	return serveDir(t, root) + "/stella.git"
}

// TestPluginCompleteExecutable: the binary copied to plugin.complete (what
// install.ps1 does on Windows, where Helm cannot run the sh script) answers
// Helm's dynamic completion call: the words after "stella", no __complete.
func TestPluginCompleteExecutable(t *testing.T) {
	h := harness.New(t)
	h.Must(h.Run(h.Helm3(), "install", "stellaops", h.Example("deploy/helm/stellaops"), "-n", h.Namespace,
		"-f", h.Example("deploy/helm/stellaops/values-dev.yaml")))
	b, err := os.ReadFile(h.Plugin("helm-stella-core")) // what install.ps1 copies
	if err != nil {
		t.Fatal(err)
	}
	complete := filepath.Join(t.TempDir(), "plugin.complete")
	if err := os.WriteFile(complete, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if r := h.Must(h.Run(complete, "")); !strings.Contains(r.Stdout, "promote") || !strings.Contains(r.Stdout, "safe-rollback") {
		t.Fatalf("subcommands not completed:\n%s", r.Stdout)
	}
	if r := h.Must(h.Run(complete, "safe-rollback", "")); !strings.Contains(r.Stdout, "stellaops\n") {
		t.Fatalf("release names not completed from the cluster:\n%s", r.Stdout)
	}
}
