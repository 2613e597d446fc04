package harness

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Env is the control plane shared by one test run.
type Env struct {
	Repo       string        // repository root
	Kubeconfig string        // admin kubeconfig
	StateDir   string        // test/cluster state dir
	BinDir     string        // cache of control-plane binaries and peer CLIs
	Started    bool          // this run started the control plane
	StartTime  time.Duration // how long starting (or reusing) it took
	Versions   map[string]string
}

var env *Env

// Main starts (or reuses) the control plane, runs the tests and stops the
// control plane if it started it (unless STELLA_KEEP_CLUSTER=1).
func Main(m *testing.M) int { return run(m, true) }

// MainPrivate builds (or finds cached) the control-plane binaries but
// starts no shared control plane: each test starts its own (StartPrivate).
func MainPrivate(m *testing.M) int { return run(m, false) }

func run(m *testing.M, shared bool) int {
	e, err := setUp(shared)
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	env = e
	code := m.Run()
	if e.Started && os.Getenv("STELLA_KEEP_CLUSTER") != "1" {
		cmd := exec.Command(filepath.Join(e.Repo, "test/cluster/down.sh"))
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: cluster down: %v\n", err)
		}
	}
	return code
}

// Get returns the run's environment; tests call it after Main set it up.
func Get() *Env { return env }

func setUp(shared bool) (*Env, error) {
	repo, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	e := &Env{Repo: repo, StateDir: filepath.Join(repo, ".cache/cluster")}
	if d := os.Getenv("STELLA_CLUSTER_DIR"); d != "" {
		e.StateDir = d
	}
	if e.Versions, err = readVersions(filepath.Join(repo, "test/cluster/versions.env")); err != nil {
		return nil, err
	}
	running := apiReady(apiPort())
	t0 := time.Now()
	out, err := runScript(filepath.Join(repo, "test/cluster/build.sh"))
	if err != nil {
		return nil, fmt.Errorf("build control plane: %w", err)
	}
	e.BinDir = out
	if !shared {
		return e, nil
	}
	t1 := time.Now()
	if out, err = runScript(filepath.Join(repo, "test/cluster/up.sh")); err != nil {
		return nil, fmt.Errorf("start control plane: %w", err)
	}
	e.Kubeconfig = out
	e.Started = !running
	e.StartTime = time.Since(t1)
	fmt.Fprintf(os.Stderr, "e2e: control plane %s in %s (build/cache check %s)\n",
		map[bool]string{true: "started", false: "reused"}[e.Started], e.StartTime.Round(time.Millisecond), t1.Sub(t0).Round(time.Millisecond))
	return e, nil
}

func runScript(path string) (string, error) {
	var out bytes.Buffer
	cmd := exec.Command(path)
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	return lines[len(lines)-1], nil
}

// RepoRoot is the repository the tests run from: $STELLA_REPO, else the
// nearest directory above the working directory holding plugin.yaml.
func RepoRoot() (string, error) {
	if r := os.Getenv("STELLA_REPO"); r != "" {
		return r, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "plugin.yaml")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("repository root (plugin.yaml) not found above the working directory")
		}
		dir = parent
	}
}

func readVersions(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if k, val, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
			v[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
	}
	return v, nil
}

func apiPort() int {
	base := 30380
	if s := os.Getenv("STELLA_PORT_BASE"); s != "" {
		fmt.Sscan(s, &base)
	}
	return base + 2
}

func apiReady(port int) bool {
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // loopback readiness probe only
	}}
	resp, err := c.Get(fmt.Sprintf("https://127.0.0.1:%d/readyz", port))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
