package harness

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// T is one test's view of the cluster: its own namespace and clients.
type T struct {
	*testing.T
	Env        *Env
	Kubeconfig string // admin kubeconfig of the cluster the test runs on
	Namespace  string
	Client     kubernetes.Interface
}

// New creates a namespace for t, deleted when t ends.
func New(t *testing.T) *T {
	t.Helper()
	e := Get()
	if e == nil {
		t.Fatal("harness not set up: TestMain must call harness.Main")
	}
	return NewOn(t, e.Kubeconfig)
}

// NewOn is New on the cluster of kubeconfig (a Private one).
func NewOn(t *testing.T, kubeconfig string) *T {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatalf("kubeconfig: %v", err)
	}
	cfg.QPS, cfg.Burst = 100, 200
	h := &T{T: t, Env: Get(), Kubeconfig: kubeconfig, Client: kubernetes.NewForConfigOrDie(cfg)}
	h.Namespace = namespaceFor(t.Name())
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: h.Namespace, Labels: map[string]string{"stella.test/e2e": "true"}}}
	if _, err := h.Client.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() && os.Getenv("STELLA_KEEP_NAMESPACES") == "1" {
			t.Logf("keeping namespace %s", h.Namespace)
			return
		}
		_ = h.Client.CoreV1().Namespaces().Delete(context.Background(), h.Namespace, metav1.DeleteOptions{})
	})
	return h
}

var unsafeName = regexp.MustCompile(`[^a-z0-9-]+`)

func namespaceFor(test string) string {
	n := strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(test), "-"), "-")
	if len(n) > 40 {
		n = n[len(n)-40:]
	}
	return fmt.Sprintf("e2e-%s-%04x", strings.Trim(n, "-"), rand.IntN(1<<16))
}

// Result is a finished process.
type Result struct {
	Stdout, Stderr string
	Code           int
	Duration       time.Duration
}

// Run runs a binary with the admin kubeconfig and the test's namespace in
// its environment (KUBECONFIG, HELM_NAMESPACE) and returns its result.
func (h *T) Run(bin string, args ...string) Result {
	h.Helper()
	return h.RunEnv(nil, bin, args...)
}

// RunEnv is Run with extra environment variables (KEY=VALUE).
func (h *T) RunEnv(extra []string, bin string, args ...string) Result {
	h.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+h.Kubeconfig, "HELM_NAMESPACE="+h.Namespace, "NO_COLOR=1")
	cmd.Env = append(cmd.Env, extra...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	t0 := time.Now()
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String(), Duration: time.Since(t0)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.Code = ee.ExitCode()
	} else if err != nil {
		h.Fatalf("run %s: %v", bin, err)
	}
	return r
}

// Plugin is the path of one of our binaries in bin/ (built by make build).
func (h *T) Plugin(name string) string {
	p := filepath.Join(h.Env.Repo, "bin", name)
	if _, err := os.Stat(p); err != nil {
		h.Fatalf("%s not built (run make build): %v", name, err)
	}
	return p
}

// Kubectl is the real kubectl of the control plane's version.
func (h *T) Kubectl() string {
	return filepath.Join(h.Env.BinDir, "kube-"+h.Env.Versions["KUBE_VERSION"], "kubectl")
}

// Helm3 and Helm4 are the real helm CLIs.
func (h *T) Helm3() string {
	return filepath.Join(h.Env.BinDir, "helm3-"+h.Env.Versions["HELM3_VERSION"], "helm")
}

// Helm4 is the real helm v4 CLI.
func (h *T) Helm4() string {
	return filepath.Join(h.Env.BinDir, "helm4-"+h.Env.Versions["HELM4_VERSION"], "helm")
}

// Must fails the test unless r exited 0.
func (h *T) Must(r Result) Result {
	h.Helper()
	if r.Code != 0 {
		h.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	return r
}

// Example is a path inside examples/stellaops.
func (h *T) Example(rel string) string {
	return filepath.Join(h.Env.Repo, "examples/stellaops", rel)
}

// Eventually polls cond every 200 ms until it holds or timeout passes.
func (h *T) Eventually(timeout time.Duration, what string, cond func() (bool, error)) {
	h.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		ok, err := cond()
		if ok {
			return
		}
		last = err
		time.Sleep(200 * time.Millisecond)
	}
	h.Fatalf("timed out after %s waiting for %s (last error: %v)", timeout, what, last)
}
