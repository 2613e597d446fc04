package main

import (
	"fmt"
	"strconv"
	"strings"
)

var components = []string{"authority", "concelier", "scanner-web", "notify", "web-ui"}

// rollback measures a healthy `helm stella safe-rollback --revision N` end
// to end next to `helm rollback N --wait` followed by `kubectl rollout
// status` of each of the release's Deployments, on the same release: before
// each measured rollback an (unmeasured, admin) upgrade changes a pod
// annotation of every service, so each rollback rolls every service's pods.
func rollback(c config) (string, error) {
	e, err := newEnv(c)
	if err != nil {
		return "", err
	}
	defer e.close()
	progress(c, "install (helm upgrade --install --wait, values-stage.yaml)")
	if err := e.upgrade("install"); err != nil {
		return "", err
	}
	deps, err := e.deployments()
	if err != nil {
		return "", err
	}
	sc := scope{namespace: e.ns, agents: []string{"helm", "kubectl/"}}
	stella := func(n int) func(p *probe) {
		return func(p *probe) {
			p.exec(c.bench, []string{"HELM_NAMESPACE=" + e.ns, "HELM_MAX_HISTORY=0"}, c.helmStella, "safe-rollback", "stellaops", "--revision", strconv.Itoa(n), "-o", "json")
		}
	}
	peer := func(n int) func(p *probe) {
		return func(p *probe) {
			if p.exec(c.bench, nil, c.helm, "rollback", "stellaops", strconv.Itoa(n), "-n", e.ns, "--wait", "--timeout", "5m", "--history-max", "0") != 0 {
				return
			}
			for _, d := range deps {
				p.exec(c.bench, nil, c.kubectl, "rollout", "status", "deploy/"+d, "-n", e.ns, "--timeout", "5m")
			}
		}
	}
	runs := runsOr(c, 5)
	var mine, theirs []sample
	for i := 1; i <= runs; i++ {
		order := []string{"stella", "helm"}
		if i%2 == 0 {
			order = []string{"helm", "stella"}
		}
		for _, who := range order {
			if err := e.upgrade(fmt.Sprintf("%s-%d", who, i)); err != nil {
				return "", err
			}
			_, rev, err := e.status()
			if err != nil {
				return "", err
			}
			progress(c, "run %d/%d: %s rollback %d → %d", i, runs, who, rev, rev-1)
			fn := stella(rev - 1)
			if who == "helm" {
				fn = peer(rev - 1)
			}
			s, err := measure(c, sc, fn)
			if err != nil {
				return "", err
			}
			if s.code != 0 {
				return "", fmt.Errorf("%s rollback: exit %d\n%s\n%s", who, s.code, s.stdout, s.stderr)
			}
			if who == "helm" {
				theirs = append(theirs, s)
			} else {
				mine = append(mine, s)
			}
		}
	}
	status, rev, err := e.status()
	if err != nil {
		return "", err
	}
	return rollbackReport(summarize("`helm stella safe-rollback RELEASE --revision N`", mine),
		summarize(fmt.Sprintf("`helm rollback RELEASE N --wait` + `kubectl rollout status` × %d", len(deps)), theirs),
		len(deps), fmt.Sprintf("%s (revision %d)", status, rev)), nil
}

// upgrade is an unmeasured admin upgrade with the staging values and a pod
// annotation of every service set to tag.
func (e *env) upgrade(tag string) error {
	var ann []string
	for _, c := range components {
		ann = append(ann, fmt.Sprintf("%q:{%q:%q}", c, "bench.stella/tag", tag))
	}
	return e.admin(e.c.helm, "upgrade", "--install", "stellaops", e.chart, "-n", e.ns, "-f", e.stageValues,
		"--set-json", "podAnnotations={"+strings.Join(ann, ",")+"}", "--wait", "--timeout", "5m", "--history-max", "0")
}

func rollbackReport(mine, theirs stats, deps int, final string) string {
	var b strings.Builder
	b.WriteString("## Healthy rollback: `helm stella safe-rollback` vs `helm rollback --wait` + `kubectl rollout status`\n\n")
	fmt.Fprintf(&b, "Release `stellaops` of the example chart (values-stage.yaml, %d Deployments) in a fresh namespace. Before\n", deps)
	b.WriteString("each measured rollback an unmeasured admin `helm upgrade --wait` changes a pod annotation of the five\n")
	b.WriteString("services, so every rollback (to the previous revision) rolls their pods. The two sides alternate order\n")
	b.WriteString("run by run. safe-rollback's wall time includes its preflight, lock, bookmark lookup, journal entry and\n")
	b.WriteString("verify-pods verification (no smoke suite configured); the peer's is `helm rollback --wait` then\n")
	b.WriteString("`kubectl rollout status` of each Deployment, one after the other (the Deployment names are listed\n")
	b.WriteString("before the clock starts, which favours the peer).\n\n")
	b.WriteString(tableHead)
	b.WriteString(row(mine, theirs.wall))
	b.WriteString(row(theirs, theirs.wall))
	verdict := "met"
	if float64(mine.wall) > 1.1*float64(theirs.wall) {
		verdict = "**not met**"
	}
	fmt.Fprintf(&b, "\nsafe-rollback is **%s** the peer (goal ≤ 1.1×: %s). The release afterwards: %s.\n", ratio(mine.wall, theirs.wall), verdict, final)
	b.WriteString("No input to double here: the cost follows the number of Deployments that roll, not the history.\n\n")
	return b.String()
}
