package main

import (
	"fmt"
	"strings"
)

// startup measures `version` of both plugins next to the real CLIs'
// client-only version commands, interleaved, after one dropped warm-up run.
func startup(c config) (string, error) {
	type cmd struct {
		name, agent, bin string
		args             []string
	}
	cmds := []cmd{
		{"`kubectl version --client`", "kubectl/", c.kubectl, []string{"version", "--client"}},
		{"`kubectl-stella version`", "kubectl-stella", c.kubectlStella, []string{"version"}},
		{"`helm version`", "helm", c.helm, []string{"version"}},
		{"`helm-stella version`", "helm-stella", c.helmStella, []string{"version"}},
	}
	runs := runsOr(c, 15)
	samples := make([][]sample, len(cmds))
	for i := 0; i <= runs; i++ {
		for j, cm := range cmds {
			s, err := measure(c, scope{agents: []string{cm.agent}}, func(p *probe) { p.exec(c.bench, nil, cm.bin, cm.args...) })
			if err != nil {
				return "", err
			}
			if s.code != 0 {
				return "", fmt.Errorf("%s: exit %d: %s", cm.name, s.code, s.stderr)
			}
			if i > 0 {
				samples[j] = append(samples[j], s)
			}
		}
		if i%5 == 0 {
			progress(c, "run %d/%d", i, runs)
		}
	}
	st := make([]stats, len(cmds))
	for j, cm := range cmds {
		st[j] = summarize(cm.name, samples[j])
	}
	var b strings.Builder
	b.WriteString("## Start-up\n\n")
	fmt.Fprintf(&b, "Each command run %d times, interleaved (one warm-up round dropped), with the bench kubeconfig;\n", runs)
	b.WriteString("the ratio is against the real CLI of the same family, measured in the same rounds.\n\n")
	b.WriteString(tableHead)
	b.WriteString(row(st[0], st[0].wall))
	b.WriteString(row(st[1], st[0].wall))
	b.WriteString(row(st[2], st[2].wall))
	b.WriteString(row(st[3], st[2].wall))
	fmt.Fprintf(&b, "\n`kubectl-stella version` is **%s** `kubectl version --client`; `helm-stella version` is **%s** `helm version`.\n",
		ratio(st[1].wall, st[0].wall), ratio(st[3].wall, st[2].wall))
	b.WriteString("No input to double: start-up is a constant cost (binary size, package init).\n\n")
	return b.String(), nil
}
