// Command bookmark benchmarks `kubectl stella bookmark` against `helm
// history` and `helm status` (the real helm v3 CLI) on releases with long
// histories of a chart whose stored release is ≈ 300 KB: wall time (median
// of several runs), API requests (counted in the control plane's audit log,
// which logs the stella:bench group only) and peak memory (getrusage of the
// child). It writes a markdown report. Run it through hack/bench-bookmark.sh.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type config struct {
	repo, kubectl, helm, plugin, out string
	admin, bench, audit              string
	runs, sizeKB                     int
	proxy                            *byteProxy
	revisions                        []int
}

func main() {
	c := config{}
	var revs string
	flag.StringVar(&c.repo, "repo", ".", "repository root")
	flag.StringVar(&c.kubectl, "kubectl", "", "kubectl binary")
	flag.StringVar(&c.helm, "helm", "", "helm v3 binary")
	flag.StringVar(&c.plugin, "plugin", "bin/kubectl-stella", "kubectl-stella binary")
	flag.StringVar(&c.out, "out", "docs/benchmarks-bookmark.md", "report file")
	flag.IntVar(&c.runs, "runs", 7, "measured runs per command (median reported)")
	flag.IntVar(&c.sizeKB, "size-kb", 300, "target stored release size in KB")
	flag.StringVar(&revs, "revisions", "10,50", "history lengths to measure")
	flag.Parse()
	for _, s := range strings.Split(revs, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			fail(fmt.Errorf("-revisions: bad count %q", s))
		}
		c.revisions = append(c.revisions, n)
	}
	state := filepath.Join(c.repo, ".cache/cluster")
	c.admin, c.bench, c.audit = filepath.Join(state, "kubeconfig"), filepath.Join(state, "kubeconfig-bench"), filepath.Join(state, "logs/audit.log")
	if err := run(c); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "bench-bookmark: %v\n", err)
	os.Exit(1)
}

func run(c config) error {
	chart, err := os.MkdirTemp("", "bench-bookmark-chart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(chart)
	if err := writeChart(chart, c.sizeKB); err != nil {
		return err
	}
	px, proxied, err := startProxy(c.bench, chart)
	if err != nil {
		return err
	}
	defer px.close()
	c.bench, c.proxy = proxied, px
	var results []result
	for _, n := range c.revisions {
		ns := fmt.Sprintf("bench-bookmark-%d-%d", n, time.Now().Unix()%100000)
		size, err := prepare(c, chart, ns, n)
		if err != nil {
			return err
		}
		rs, err := measure(c, ns, n, size)
		cleanup(c, ns)
		if err != nil {
			return err
		}
		results = append(results, rs...)
	}
	report := render(c, results)
	fmt.Print(report)
	out := c.out
	if !filepath.IsAbs(out) {
		out = filepath.Join(c.repo, out)
	}
	return os.WriteFile(out, []byte(report), 0o644)
}

// prepare creates namespace ns and release "bench" with n revisions, and
// returns the size of one stored revision (the Secret's "release" value).
func prepare(c config, chart, ns string, n int) (int, error) {
	if _, err := cmd(c.admin, c.kubectl, "create", "namespace", ns); err != nil {
		return 0, err
	}
	fmt.Fprintf(os.Stderr, "bench-bookmark: %s: %d revisions", ns, n)
	for v := 1; v <= n; v++ {
		args := []string{"upgrade", "--install", "bench", chart, "-n", ns, "--history-max", "0", "--set", fmt.Sprintf("rev=%d", v)}
		if v == n {
			args = append(args, "--wait", "--timeout", "2m")
		}
		if _, err := cmd(c.admin, c.helm, args...); err != nil {
			return 0, err
		}
		fmt.Fprint(os.Stderr, ".")
	}
	fmt.Fprintln(os.Stderr)
	out, err := cmd(c.admin, c.kubectl, "get", "secret", "-n", ns, fmt.Sprintf("sh.helm.release.v1.bench.v%d", n), "-o", "jsonpath={.data.release}")
	if err != nil {
		return 0, err
	}
	return len(strings.TrimSpace(out)) * 3 / 4, nil
}

func cleanup(c config, ns string) {
	_, _ = cmd(c.admin, c.kubectl, "delete", "namespace", ns, "--wait=false")
}

// cmd runs bin with KUBECONFIG=kubeconfig and returns its stdout.
func cmd(kubeconfig, bin string, args ...string) (string, error) {
	x := exec.Command(bin, args...)
	x.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	var out, errb strings.Builder
	x.Stdout, x.Stderr = &out, &errb
	if err := x.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %v: %s", filepath.Base(bin), strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}
