package harness

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
)

// Private is a control plane of one test's own (test/cluster/up.sh in a
// temp dir, on ports below the ephemeral range), for faults that must not
// touch the shared one: its kube-apiserver can be killed and restarted.
type Private struct {
	t          *testing.T
	Dir, Base  string
	Kubeconfig string
	Client     kubernetes.Interface
	// args are the command lines of the components, read while they run:
	// one that exits on its own is restarted with them
	args map[string][]string
}

// StartPrivate starts a Private control plane, stopped when t ends. A port
// range found taken is retried on another.
func StartPrivate(t *testing.T) *Private {
	t.Helper()
	var err error
	for range 3 {
		p := &Private{t: t, Dir: t.TempDir(), Base: strconv.Itoa(20000 + 10*rand.IntN(900)), args: map[string][]string{}}
		if err = p.up(); err == nil {
			for _, name := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"} {
				if args, err := cmdline(p.pid(name)); err == nil {
					p.args[name] = args
				}
			}
			return p
		}
		t.Logf("private control plane on port base %s: %v", p.Base, err)
	}
	t.Fatalf("private control plane: %v", err)
	return nil
}

func (p *Private) script(name string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(Get().Repo, "test/cluster", name))
	// one real node per machine: a private control plane is the kwok lane only
	cmd.Env = append(os.Environ(), "STELLA_CLUSTER_DIR="+p.Dir, "STELLA_PORT_BASE="+p.Base, "STELLA_NODE=kwok")
	cmd.Stderr = os.Stderr
	return cmd
}

func (p *Private) up() error {
	p.t.Cleanup(func() { _ = p.script("down.sh").Run() })
	out, err := p.script("up.sh").Output()
	if err != nil {
		_ = p.script("down.sh").Run()
		return err
	}
	p.Kubeconfig = LastLine(string(out))
	cfg, err := clientcmd.BuildConfigFromFlags("", p.Kubeconfig)
	if err != nil {
		return err
	}
	p.Client, err = kubernetes.NewForConfig(cfg)
	return err
}

// pid is the newest pid of name in the pids file.
func (p *Private) pid(name string) int {
	b, err := os.ReadFile(filepath.Join(p.Dir, "pids"))
	if err != nil {
		p.t.Fatal(err)
	}
	pid := 0
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[1] == name {
			pid, _ = strconv.Atoi(f[0])
		}
	}
	return pid
}

// stop sends sig to name's process, waits until it is gone and returns
// its command line.
//
// A component that has exited on its own (kube-controller-manager, kube-
// scheduler and kwok may, when the API server was gone too long) is
// logged with its log's last lines and restarted with its recorded
// command line.
func (p *Private) stop(name string, sig syscall.Signal) []string {
	pid := p.pid(name)
	args, err := cmdline(pid)
	if err != nil {
		if args = p.args[name]; args == nil {
			p.t.Fatalf("%s (pid %d): %v, and no command line recorded", name, pid, err)
		}
		p.t.Logf("%s (pid %d) had exited on its own; restarting it. Its log ends:\n%s", name, pid, p.logTail(name, 8))
		return args
	}
	p.args[name] = args
	_ = syscall.Kill(pid, sig)
	for i := 0; syscall.Kill(pid, 0) == nil; i++ {
		if i == 50 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return args
}

func cmdline(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("no process %d: %v", pid, err)
	}
	return strings.Split(strings.TrimRight(string(b), "\x00"), "\x00"), nil
}

// logTail is the last n lines of name's log.
func (p *Private) logTail(name string, n int) string {
	b, _ := os.ReadFile(filepath.Join(p.Dir, "logs", name+".log"))
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// spawn re-executes args as name (detached, like up.sh's nohup, logging to
// the same file) and records its pid for down.sh.
func (p *Private) spawn(name string, args []string) {
	log, err := os.OpenFile(filepath.Join(p.Dir, "logs", name+".log"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	go func() { _ = cmd.Wait() }()
	p.record(name, cmd.Process.Pid)
}

// record replaces name's pid in the pids file (keeping up.sh's order), so
// down.sh never signals a stale pid that may have been reused.
func (p *Private) record(name string, pid int) {
	path := filepath.Join(p.Dir, "pids")
	b, err := os.ReadFile(path)
	if err != nil {
		p.t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for i, l := range lines {
		if f := strings.Fields(l); len(f) == 2 && f[1] == name {
			lines[i] = fmt.Sprintf("%d %s", pid, name)
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// Outage kill -9s the kube-apiserver after delay, keeps it down for down,
// restarts it and waits until it answers. The controllers and kwok are then
// restarted too (as a control-plane node reboot would): left alone, their
// watches reconnect with client-go's back-off of up to 30 s, which would
// only slow the test, not change what the commands under test see.
func (p *Private) Outage(delay, down time.Duration) {
	time.Sleep(delay)
	args := p.stop("kube-apiserver", syscall.SIGKILL)
	time.Sleep(down)
	p.spawn("kube-apiserver", args)
	deadline := time.Now().Add(60 * time.Second)
	for !p.ready() {
		if time.Now().After(deadline) {
			p.t.Fatal("restarted kube-apiserver not ready within 60 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, name := range []string{"kube-controller-manager", "kube-scheduler", "kwok"} {
		p.spawn(name, p.stop(name, syscall.SIGTERM))
	}
}

func (p *Private) ready() bool {
	_, err := p.Client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(context.Background())
	return err == nil
}
