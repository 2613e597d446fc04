//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// The lock holder helper: this test binary re-executed with
// STELLA_LOCK_HELPER=1 is a separate process that acquires a lock as the
// identity of its KUBECONFIG, prints "ACQUIRED <pid>", holds it until its
// stdin closes, releases it and exits 0; a refusal exits with its code.
// It runs from init, before TestMain sets up the harness.
func init() {
	if os.Getenv("STELLA_LOCK_HELPER") == "1" {
		os.Exit(lockHelper())
	}
}

func lockHelper() int {
	ctx := context.Background()
	c, user, err := lockClientFor(os.Getenv("KUBECONFIG"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		return 1
	}
	d, _ := time.ParseDuration(os.Getenv("LOCK_TIMEOUT"))
	delay, _ := time.ParseDuration(os.Getenv("LOCK_DELAY"))
	who := identity.Resolve(ctx, c, user)
	in := bufio.NewReader(os.Stdin)
	if os.Getenv("LOCK_BARRIER") == "1" { // start together: READY, then wait for GO
		fmt.Println("READY")
		if l, err := in.ReadString('\n'); err != nil || l != "GO\n" {
			return 1
		}
	}
	time.Sleep(delay)
	h, err := lock.Acquire(ctx, c, os.Getenv("LOCK_NS"), os.Getenv("LOCK_RELEASE"),
		lock.Options{User: who.User, Operation: "safe-rollback", Duration: d})
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		fmt.Fprintln(os.Stderr, "CONFLICTS", lockConflicts.Load())
		return int(exit.CodeOf(err))
	}
	fmt.Printf("ACQUIRED %d\n", os.Getpid())
	fmt.Fprintln(os.Stderr, "CONFLICTS", lockConflicts.Load())
	eof := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, in); close(eof) }()
	select {
	case err := <-h.Lost():
		fmt.Println("LOST", err)
		return 1
	case <-eof:
	}
	if err := h.Release(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		return 1
	}
	fmt.Println("RELEASED")
	return 0
}

func lockClientFor(kubeconfig string) (kubernetes.Interface, string, error) {
	raw, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		return nil, "", err
	}
	cfg, err := clientcmd.NewDefaultClientConfig(*raw, nil).ClientConfig()
	if err != nil {
		return nil, "", err
	}
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return lockConflictCounter{rt} }
	c, err := kubernetes.NewForConfig(cfg)
	return c, raw.Contexts[raw.CurrentContext].AuthInfo, err
}

// lockConflicts counts 409 answers (AlreadyExists on create, Conflict on a
// preconditioned update): the helper reports them, proving the races
// really contended.
var lockConflicts atomic.Int32

type lockConflictCounter struct{ rt http.RoundTripper }

func (c lockConflictCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusConflict {
		lockConflicts.Add(1)
	}
	return resp, err
}

// lockHolder is one running helper process.
type lockHolder struct {
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	lines    chan string
	exited   chan struct{}
	code     int
	stderr   strings.Builder
	identity string
}

func startLockHolder(t *testing.T, h *harness.T, who, release, timeout string, delay time.Duration, env ...string) *lockHolder {
	t.Helper()
	hl := &lockHolder{lines: make(chan string, 8), exited: make(chan struct{}), identity: who}
	hl.cmd = exec.Command(os.Args[0])
	hl.cmd.Env = append(os.Environ(), "STELLA_LOCK_HELPER=1", "LOCK_NS="+h.Namespace, "LOCK_RELEASE="+release,
		"LOCK_TIMEOUT="+timeout, "LOCK_DELAY="+delay.String(),
		"KUBECONFIG="+filepath.Join(h.Env.StateDir, "kubeconfig-"+who))
	hl.cmd.Env = append(hl.cmd.Env, env...)
	hl.cmd.Stderr = &hl.stderr
	var err error
	if hl.stdin, err = hl.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := hl.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := hl.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			hl.lines <- sc.Text()
		}
		err := hl.cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			hl.code = ee.ExitCode()
		}
		close(hl.exited)
	}()
	t.Cleanup(func() {
		if hl.cmd.ProcessState == nil {
			_ = hl.cmd.Process.Kill() // only our own child, by pid
		}
	})
	return hl
}

// outcome waits until the holder acquired (true) or exited (false).
func (hl *lockHolder) outcome(t *testing.T) bool {
	t.Helper()
	select {
	case l := <-hl.lines:
		if strings.HasPrefix(l, "ACQUIRED ") {
			return true
		}
		t.Fatalf("%s: unexpected line %q", hl.identity, l)
	case <-hl.exited:
		return false
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: neither acquired nor exited in 30s", hl.identity)
	}
	return false
}

// releaseAndWait closes stdin and expects RELEASED and exit 0.
func (hl *lockHolder) releaseAndWait(t *testing.T) {
	t.Helper()
	hl.stdin.Close()
	select {
	case <-hl.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not exit after release", hl.identity)
	}
	if hl.code != 0 {
		t.Fatalf("%s release: exit %d, stderr %s", hl.identity, hl.code, hl.stderr.String())
	}
}

func lockLeaseGone(t *testing.T, h *harness.T, release string) {
	t.Helper()
	_, err := h.Client.CoordinationV1().Leases(h.Namespace).Get(context.Background(), lock.Name(release), metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("lease %s still there after release (err %v)", lock.Name(release), err)
	}
}
