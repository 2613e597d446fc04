package harness

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Proc is a started process whose output can be read while it runs.
type Proc struct {
	Cmd      *exec.Cmd
	out, err syncBuffer
	done     chan struct{}
}

// Start runs bin with kubeconfig (and no HELM_NAMESPACE: pass -n) in the
// background.
func Start(t *testing.T, kubeconfig, bin string, args ...string) *Proc {
	t.Helper()
	p := &Proc{Cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.Cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "HELM_NAMESPACE=", "NO_COLOR=1")
	p.Cmd.Stdout, p.Cmd.Stderr = &p.out, &p.err
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.Cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		if !p.Ended() {
			_ = p.Cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// Stdout and Stderr are the output so far.
func (p *Proc) Stdout() string { return p.out.String() }

// Stderr is the error output so far.
func (p *Proc) Stderr() string { return p.err.String() }

// Ended reports whether the process has exited.
func (p *Proc) Ended() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Wait returns the exit code; the test fails (and the process is killed)
// if it runs longer than limit.
func (p *Proc) Wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(limit):
		_ = p.Cmd.Process.Kill()
		<-p.done
		t.Fatalf("%s did not end within %s\nstdout:\n%s\nstderr:\n%s", p.Cmd.Args[1], limit, p.Stdout(), p.Stderr())
	}
	return p.Cmd.ProcessState.ExitCode()
}

// LastLine is the last non-empty line of s.
func LastLine(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return l[len(l)-1]
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
