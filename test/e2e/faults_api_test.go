//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// A second, private control plane whose kube-apiserver the test kills -9
// and restarts; the shared one is never touched.
type fCluster struct {
	t          *testing.T
	dir, base  string
	kubeconfig string
	client     kubernetes.Interface
}

func newFCluster(t *testing.T, repo string) *fCluster {
	c := &fCluster{t: t, dir: t.TempDir(), base: strconv.Itoa(37380 + 10*rand.IntN(50))}
	cmd := exec.Command(filepath.Join(repo, "test/cluster/up.sh"))
	cmd.Env = append(os.Environ(), "STELLA_CLUSTER_DIR="+c.dir, "STELLA_PORT_BASE="+c.base)
	cmd.Stderr = os.Stderr
	t.Cleanup(func() {
		down := exec.Command(filepath.Join(repo, "test/cluster/down.sh"))
		down.Env = append(os.Environ(), "STELLA_CLUSTER_DIR="+c.dir, "STELLA_PORT_BASE="+c.base)
		down.Stderr = os.Stderr
		_ = down.Run()
	})
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("second control plane: %v", err)
	}
	l := strings.Split(strings.TrimSpace(string(out)), "\n")
	c.kubeconfig = l[len(l)-1]
	cfg, err := clientcmd.BuildConfigFromFlags("", c.kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	c.client = kubernetes.NewForConfigOrDie(cfg)
	return c
}

// apiserverPid is the newest kube-apiserver pid of the pids file.
func (c *fCluster) apiserverPid() int {
	b, err := os.ReadFile(filepath.Join(c.dir, "pids"))
	if err != nil {
		c.t.Fatal(err)
	}
	pid := 0
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[1] == "kube-apiserver" {
			pid, _ = strconv.Atoi(f[0])
		}
	}
	return pid
}

// kill -9s the apiserver and returns its command line.
func (c *fCluster) kill() []string {
	pid := c.apiserverPid()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		c.t.Fatal(err)
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	_ = syscall.Kill(pid, syscall.SIGKILL)
	for range 50 {
		if syscall.Kill(pid, 0) != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return args
}

// restart re-executes args (detached, like up.sh's nohup), records the pid
// for down.sh and waits until the API answers.
func (c *fCluster) restart(args []string) {
	log, err := os.OpenFile(filepath.Join(c.dir, "logs/kube-apiserver.log"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		c.t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	go func() { _ = cmd.Wait() }()
	f, err := os.OpenFile(filepath.Join(c.dir, "pids"), os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		c.t.Fatal(err)
	}
	fmt.Fprintf(f, "%d kube-apiserver\n", cmd.Process.Pid)
	f.Close()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := c.client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(context.Background()); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	c.t.Fatal("restarted kube-apiserver not ready within 60 s")
}

// outage kills the apiserver after delay, keeps it down for down, restarts it.
func (c *fCluster) outage(delay, down time.Duration) {
	time.Sleep(delay)
	args := c.kill()
	time.Sleep(down)
	c.restart(args)
}

// TestFaultAPIServerKilled kills -9 (and restarts) the private control
// plane's kube-apiserver while bookmark writes, while promote waits and
// while safe-rollback rolls back/verifies, fRuns times each at random
// moments. Each run: exit 0 when the API came back in time, else exit 1
// (or the verdict's own code) with a clear message; once the API is back
// the release is deployed (after `safe-rollback --recover` if we left a
// pending revision), the journal's last entry is final, and a rerun
// completes.
func TestFaultAPIServerKilled(t *testing.T) {
	if os.Getenv("STELLA_FAULT_APISERVER") != "1" {
		// ≈ 4.5 min and a second control plane; it currently fails on a
		// known bug: --recover after a pending-rollback left by the API dying
		// mid helm-rollback re-applies the target with Helm's three-way
		// merge against the pending revision's manifest, which keeps the
		// live crash-loop annotation (exit 2). See the issue 9 report.
		t.Skip("set STELLA_FAULT_APISERVER=1 to kill and restart a private kube-apiserver")
	}
	h := harness.New(t) // for helpers (temp dirs, plugin paths) only
	c := newFCluster(t, h.Env.Repo)
	ns := "faults"
	h.Must(h.RunEnv([]string{"KUBECONFIG=" + c.kubeconfig}, h.Kubectl(), "create", "namespace", ns))
	run := func(bin string, args ...string) harness.Result {
		return h.RunEnv([]string{"KUBECONFIG=" + c.kubeconfig, "HELM_NAMESPACE=" + ns}, bin, args...)
	}
	suite := fSuite(t)
	stage := h.Example("deploy/helm/stellaops/values-stage.yaml")
	promote := func(values string, extra ...string) []string {
		return append([]string{"promote", "stellaops", h.Example("deploy/helm/stellaops"), "-f", values,
			"--config", h.Example("deploy/channels.yaml"), "--channel", "stable", "--smoke-suite", suite,
			"--lock-timeout", "20s", "-n", ns}, extra...)
	}
	h.Must(run(h.Plugin("helm-stella"), promote(stage)...))
	never := fValues(h, "never.yaml", "podAnnotations:\n  authority:\n    stella.test/simulate: never-ready\n")
	settle := func(what string) {
		if s := fHelmStatus(h, run(h.Helm3(), "status", "stellaops", "-n", ns, "-o", "json")); s != "deployed" {
			t.Logf("%s: release %s: safe-rollback --recover", what, s)
			r := run(h.Plugin("helm-stella"), "safe-rollback", "stellaops", "-n", ns, "--recover", "--stale-after", "1s", "--timeout", "2m")
			if r.Code != 0 {
				t.Fatalf("%s: --recover exit %d\n%s\n%s", what, r.Code, r.Stdout, r.Stderr)
			}
		}
		es, err := journal.New(c.client, ns).List(context.Background(), "stellaops", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) > 0 && es[len(es)-1].Outcome == journal.InProgress {
			t.Fatalf("%s: journal's last entry in progress: %+v", what, es[len(es)-1])
		}
	}
	expect := func(what string, p *fProc, code int, ok ...int) {
		for _, o := range ok {
			if code == o {
				t.Logf("%s: exit %d: %s", what, code, lastLine(p.err.String()))
				return
			}
		}
		t.Fatalf("%s: exit %d, want one of %v\nstdout:\n%s\nstderr:\n%s", what, code, ok, p.out.String(), p.err.String())
	}
	for i := range fRuns {
		// bookmark writing: completes if the API is back within its retries, else exit 1
		delay, down := time.Duration(rand.IntN(400))*time.Millisecond, time.Duration(500+rand.IntN(2000))*time.Millisecond
		p := fStart(t, c.kubeconfig, h.Plugin("kubectl-stella"), "bookmark", "stellaops", "-n", ns)
		c.outage(delay, down)
		expect(fmt.Sprintf("bookmark run %d (kill after %s, down %s)", i, delay, down), p, p.wait(t, 90*time.Second), 0, 1)
		h.Must(run(h.Plugin("kubectl-stella"), "bookmark", "stellaops", "-n", ns))

		// promote waiting on a never-ready revision: never succeeds
		p = fStart(t, c.kubeconfig, h.Plugin("helm-stella"), promote(never, "--timeout", "20s")...)
		h.Eventually(60*time.Second, "promote waiting", func() (bool, error) {
			select {
			case <-p.done: // ended before its wait: show why (diagnosis of a kill's aftermath)
				h.Fatalf("promote run %d ended before waiting: exit %d\nstdout:\n%s\nstderr:\n%s", i, p.cmd.ProcessState.ExitCode(), p.out.String(), p.err.String())
			default:
			}
			return strings.Contains(p.err.String(), "wait: up to"), nil
		})
		c.outage(time.Duration(rand.IntN(2000))*time.Millisecond, time.Duration(500+rand.IntN(2500))*time.Millisecond)
		expect(fmt.Sprintf("promote run %d", i), p, p.wait(t, 200*time.Second), 1, 2, 3)
		settle(fmt.Sprintf("promote run %d", i))
		h.Must(run(h.Plugin("helm-stella"), promote(stage)...))

		// safe-rollback away from a crash-looping revision
		h.Must(run(h.Helm3(), "upgrade", "stellaops", h.Example("deploy/helm/stellaops"), "-n", ns, "-f", stage, "--set-json", rbCrash))
		p = fStart(t, c.kubeconfig, h.Plugin("helm-stella"), "safe-rollback", "stellaops", "-n", ns, "--timeout", "1m")
		c.outage(time.Duration(rand.IntN(2500))*time.Millisecond, time.Duration(500+rand.IntN(2500))*time.Millisecond)
		expect(fmt.Sprintf("safe-rollback run %d", i), p, p.wait(t, 120*time.Second), 0, 1, 2, 3)
		settle(fmt.Sprintf("safe-rollback run %d", i))
		if r := run(h.Helm3(), "get", "values", "stellaops", "-n", ns, "-o", "json"); strings.Contains(r.Stdout, "crashloop") {
			h.Must(run(h.Plugin("helm-stella"), "safe-rollback", "stellaops", "-n", ns, "--timeout", "1m")) // the rerun completes
		}
	}
}
