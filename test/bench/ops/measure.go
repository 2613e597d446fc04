package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// sample is one measured operation: one command, or a sequence of commands
// run back to back (a peer's equivalent of one stella command).
type sample struct {
	wall     time.Duration
	requests int
	rssKB    int64 // the largest child's max RSS
	code     int   // exit code of the first failing command, else 0
	stdout   string
	stderr   string
}

// probe runs the commands of one operation and records their peak memory.
type probe struct {
	rssKB          int64
	code           int
	stdout, stderr strings.Builder
}

// exec runs bin with KUBECONFIG=kubeconfig plus env and returns its exit code.
func (p *probe) exec(kubeconfig string, env []string, bin string, args ...string) int {
	x := exec.Command(bin, args...)
	x.Env = append(append(os.Environ(), "KUBECONFIG="+kubeconfig), env...)
	x.Stdout, x.Stderr = &p.stdout, &p.stderr
	err := x.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		fmt.Fprintf(&p.stderr, "%s: %v\n", filepath.Base(bin), err)
		code = -1
	}
	if x.ProcessState != nil {
		if ru, ok := x.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > p.rssKB {
			p.rssKB = ru.Maxrss
		}
	}
	if code != 0 && p.code == 0 {
		p.code = code
	}
	return code
}

// scope selects the audited requests of one operation: those naming the
// namespace, and the cluster-scoped ones (discovery, reviews, /version) of
// clients whose user agent starts with one of agents. Other benchmarks may
// run with the same bench identity at the same time; this keeps them out.
type scope struct {
	namespace string
	agents    []string
}

// measure times fn and counts the API requests it made in the audit log.
func measure(c config, sc scope, fn func(p *probe)) (sample, error) {
	offset := int64(0)
	if st, err := os.Stat(c.audit); err == nil {
		offset = st.Size()
	}
	p := &probe{}
	start := time.Now()
	fn(p)
	end := time.Now()
	time.Sleep(time.Second) // let the audit backend write the last events
	n, err := audited(c.audit, offset, sc, start.Add(-50*time.Millisecond), end.Add(50*time.Millisecond))
	if err != nil {
		return sample{}, err
	}
	return sample{wall: end.Sub(start), requests: n, rssKB: p.rssKB, code: p.code, stdout: p.stdout.String(), stderr: p.stderr.String()}, nil
}

func audited(path string, offset int64, sc scope, from, to time.Time) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() >= offset {
		if _, err := f.Seek(offset, io.SeekStart); err != nil {
			return 0, err
		}
	}
	ids := map[string]bool{}
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<24)
	for s.Scan() {
		var e struct {
			AuditID, Verb, RequestURI, UserAgent string
			User                                 struct{ Groups []string }
			RequestReceivedTimestamp             time.Time
		}
		if json.Unmarshal(s.Bytes(), &e) != nil || !contains(e.User.Groups, "stella:bench") {
			continue
		}
		if e.RequestReceivedTimestamp.Before(from) || e.RequestReceivedTimestamp.After(to) {
			continue
		}
		if inScope(sc, e.RequestURI, e.UserAgent) {
			ids[e.AuditID] = true
		}
	}
	return len(ids), s.Err()
}

func inScope(sc scope, uri, agent string) bool {
	if strings.Contains(uri, "/namespaces/") {
		return sc.namespace != "" && strings.Contains(uri, "/namespaces/"+sc.namespace+"/")
	}
	for _, a := range sc.agents {
		if strings.HasPrefix(strings.ToLower(agent), a) {
			return true
		}
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// stats are the medians of several samples of one operation.
type stats struct {
	name     string
	n        int
	wall     time.Duration
	requests int
	rssKB    int64
	codes    string
}

func summarize(name string, ss []sample) stats {
	walls := make([]time.Duration, len(ss))
	reqs := make([]int, len(ss))
	rss := make([]int64, len(ss))
	codes := map[int]int{}
	for i, s := range ss {
		walls[i], reqs[i], rss[i] = s.wall, s.requests, s.rssKB
		codes[s.code]++
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Ints(reqs)
	sort.Slice(rss, func(i, j int) bool { return rss[i] < rss[j] })
	var cs []string
	for c, k := range codes {
		cs = append(cs, fmt.Sprintf("%d×%d", k, c))
	}
	sort.Strings(cs)
	m := len(ss) / 2
	return stats{name: name, n: len(ss), wall: walls[m], requests: reqs[m], rssKB: rss[m], codes: strings.Join(cs, ", ")}
}

func ratio(a, b time.Duration) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func mb(kb int64) string { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }

// row renders one stats line of a markdown table; peer is the reference.
func row(s stats, peer time.Duration) string {
	return fmt.Sprintf("| %s | %d | %s | %d | %s | %s | %s |\n", s.name, s.n, secs(s.wall), s.requests, mb(s.rssKB), ratio(s.wall, peer), s.codes)
}

const tableHead = "| command | runs | wall (median) | API requests (median) | peak RSS (median) | ratio | exit codes |\n|---|---:|---:|---:|---:|---:|---|\n"
