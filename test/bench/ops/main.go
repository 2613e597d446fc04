// Command ops benchmarks the stella plugins' operational commands against
// the real CLIs an operator would otherwise use, in the same run on the
// local control plane: start-up (`kubectl-stella version`, `helm-stella
// version` vs `kubectl version --client`, `helm version`), the crash-loop
// verdict of `helm stella promote` vs `helm upgrade --atomic`, and a healthy
// `helm stella safe-rollback` vs `helm rollback --wait` + `kubectl rollout
// status`. Each mode prints one markdown section on stdout (progress on
// stderr): wall-time medians, ratios, API requests (the apiserver audit log,
// which logs the stella:bench group only) and peak memory (max RSS of the
// child processes, getrusage). Every namespace it creates is deleted at the
// end. Run it through hack/bench-startup.sh, hack/bench-promote.sh and
// hack/bench-rollback.sh.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

type config struct {
	mode, repo, kubectl, helm, kubectlStella, helmStella string
	admin, bench, audit                                  string
	runs                                                 int
	atomicTimeout                                        string
}

func main() {
	c := config{}
	flag.StringVar(&c.mode, "mode", "", "startup, promote or rollback")
	flag.StringVar(&c.repo, "repo", ".", "repository root")
	flag.StringVar(&c.kubectl, "kubectl", "", "kubectl binary")
	flag.StringVar(&c.helm, "helm", "", "helm v3 binary")
	flag.StringVar(&c.kubectlStella, "kubectl-stella", "bin/kubectl-stella", "kubectl-stella binary")
	flag.StringVar(&c.helmStella, "helm-stella", "bin/helm-stella", "helm-stella binary")
	flag.IntVar(&c.runs, "runs", 0, "measured runs per command (median reported; default per mode)")
	flag.StringVar(&c.atomicTimeout, "atomic-timeout", "60s", "--timeout of the helm upgrade --atomic peer")
	flag.Parse()
	state := filepath.Join(c.repo, ".cache/cluster")
	c.admin, c.bench, c.audit = filepath.Join(state, "kubeconfig"), filepath.Join(state, "kubeconfig-bench"), filepath.Join(state, "logs/audit.log")
	var (
		section string
		err     error
	)
	switch c.mode {
	case "startup":
		section, err = startup(c)
	case "promote":
		section, err = promote(c)
	case "rollback":
		section, err = rollback(c)
	default:
		err = fmt.Errorf("-mode: want startup, promote or rollback, got %q", c.mode)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench-%s: %v\n", c.mode, err)
		os.Exit(1)
	}
	fmt.Print(section)
}

func progress(c config, format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench-%s: %s %s\n", c.mode, time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
}

func runsOr(c config, def int) int {
	if c.runs > 0 {
		return c.runs
	}
	return def
}
