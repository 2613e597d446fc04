package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
)

// result is one command's medians at one history length.
type result struct {
	revisions, storedBytes int
	name                   string
	wall                   time.Duration
	requests               int
	rssKB, bytes           int64
	reqList                []string // the requests of the last run
}

type sample struct {
	wall     time.Duration
	requests []string
	rssKB    int64
	bytes    int64
}

type command struct {
	name, agent string // agent: user-agent prefix of the binary's requests
	bin         string
	args        func(i int) []string
}

func measure(c config, ns string, n, size int) ([]result, error) {
	cmds := []command{
		{"kubectl stella bookmark", "kubectl-stella", c.plugin, func(i int) []string {
			return []string{"bookmark", "bench", "-n", ns, "--name", fmt.Sprintf("bench-%d", i), "-o", "json"}
		}},
		{"helm history", "helm", c.helm, func(int) []string { return []string{"history", "bench", "-n", ns} }},
		{"helm status", "helm", c.helm, func(int) []string { return []string{"status", "bench", "-n", ns} }},
	}
	samples := make([][]sample, len(cmds))
	for i := 0; i <= c.runs; i++ { // run 0 warms caches and is dropped
		for j, cm := range cmds {
			s, err := once(c, cm, i)
			if err != nil {
				return nil, err
			}
			if i > 0 {
				samples[j] = append(samples[j], s)
			}
		}
	}
	var out []result
	for j, cm := range cmds {
		out = append(out, summarize(cm.name, n, size, samples[j]))
	}
	return out, nil
}

func once(c config, cm command, i int) (sample, error) {
	x := exec.Command(cm.bin, cm.args(i)...)
	x.Env = append(os.Environ(), "KUBECONFIG="+c.bench)
	var errb strings.Builder
	x.Stderr = &errb
	c.proxy.take()
	start := time.Now()
	if err := x.Run(); err != nil {
		return sample{}, fmt.Errorf("%s: %v: %s", cm.name, err, errb.String())
	}
	wall := time.Since(start)
	end := time.Now()
	time.Sleep(300 * time.Millisecond) // let the audit backend write
	reqs, err := audited(c.audit, cm.agent, start.Add(-5*time.Millisecond), end)
	if err != nil {
		return sample{}, err
	}
	rss := x.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	return sample{wall: wall, requests: reqs, rssKB: rss, bytes: c.proxy.take()}, nil
}

// audited lists the audited requests of user agent prefix agent received
// in [from, to]: "VERB URI".
func audited(path, agent string, from, to time.Time) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var e struct {
			Stage, Verb, RequestURI, UserAgent string
			RequestReceivedTimestamp           time.Time
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Stage != "ResponseComplete" {
			continue
		}
		if !strings.HasPrefix(strings.ToLower(e.UserAgent), agent) || e.RequestReceivedTimestamp.Before(from) || e.RequestReceivedTimestamp.After(to) {
			continue
		}
		out = append(out, e.Verb+" "+e.RequestURI)
	}
	return out, sc.Err()
}

func summarize(name string, n, size int, s []sample) result {
	walls := make([]time.Duration, len(s))
	reqs := make([]int, len(s))
	rss := make([]int64, len(s))
	bytes := make([]int64, len(s))
	for i, x := range s {
		walls[i], reqs[i], rss[i], bytes[i] = x.wall, len(x.requests), x.rssKB, x.bytes
	}
	sort.Slice(bytes, func(i, j int) bool { return bytes[i] < bytes[j] })
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Ints(reqs)
	sort.Slice(rss, func(i, j int) bool { return rss[i] < rss[j] })
	m := len(s) / 2
	return result{revisions: n, storedBytes: size, name: name, wall: walls[m], requests: reqs[m], rssKB: rss[m], bytes: bytes[m], reqList: s[len(s)-1].requests}
}
