package verify

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/stella-ops/stella-plugins/pkg/health"
)

// Verdict is the outcome of a check.
type Verdict string

// The verdicts; each maps to one exit code (0, 2, 3).
const (
	Healthy   Verdict = "healthy"
	Unhealthy Verdict = "unhealthy"
	TimedOut  Verdict = "timeout"
)

// Result is the evidence of one verify-pods run.
type Result struct {
	Release       string       `json:"release,omitempty"`
	Namespace     string       `json:"namespace,omitempty"` // empty with AllNamespaces
	AllNamespaces bool         `json:"allNamespaces,omitempty"`
	Selector      string       `json:"selector,omitempty"`
	Verdict       Verdict      `json:"verdict"`
	State         health.State `json:"state"`
	Message       string       `json:"message"`
	Wait          bool         `json:"wait"`
	Timeout       string       `json:"timeout,omitempty"`
	StableFor     string       `json:"stableFor,omitempty"`
	Started       time.Time    `json:"started"`
	Elapsed       string       `json:"elapsed"`
	DigestSource  string       `json:"digestSource,omitempty"` // manifest path, channel or "flags"
	Pins          health.Pins  `json:"pins,omitempty"`
	Workloads     []Workload   `json:"workloads"`
	// Note says what could not be judged (custom kinds without access to
	// Helm storage).
	Note string `json:"note,omitempty"`
}

// Workload is one workload's verdict with its pods' findings.
type Workload struct {
	Namespace string `json:"namespace"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	health.Status
	Pods     int              `json:"pods"`
	Findings []health.Finding `json:"findings,omitempty"`
	Events   []string         `json:"events,omitempty"` // the workload's own last events

	pods     []*corev1.Pod     // during evaluation only
	outdated map[string]bool   // pods of an older pod template, during evaluation only
	nodes    map[string]string // pod → node, for the logs' evidence
}

// Healthy reports whether the verdict is healthy.
func (r *Result) Healthy() bool { return r.Verdict == Healthy }

// Unhealthy lists the workloads that are not healthy.
func (r *Result) Unhealthy() []Workload {
	var out []Workload
	for _, w := range r.Workloads {
		if w.State != health.Healthy {
			out = append(out, w)
		}
	}
	return out
}

// summary is the one-line verdict message. A certain failure leads it
// (workload, pod, container, reason, message), followed by the other
// failed workloads and the count of those still progressing; without one,
// it lists the workloads that are not healthy yet.
func summary(ws []Workload, what string) (health.State, string) {
	if len(ws) == 0 {
		return health.Progressing, "no workloads found for " + what
	}
	state, bad := health.Healthy, []Workload{}
	for _, w := range ws {
		state = health.Worse(state, w.State)
		if w.State != health.Healthy {
			bad = append(bad, w)
		}
	}
	if len(bad) == 0 {
		return state, fmt.Sprintf("%d/%d workloads healthy", len(ws), len(ws))
	}
	if lead := cause(bad); lead != "" {
		return state, lead
	}
	var list []string
	for _, w := range bad {
		list = append(list, w.describe())
	}
	if len(list) > 5 {
		list = append(list[:5], fmt.Sprintf("and %d more", len(list)-5))
	}
	return state, fmt.Sprintf("%d/%d workloads healthy; not healthy: %s", len(ws)-len(bad), len(ws), strings.Join(list, "; "))
}

// cause is the summary of unhealthy workloads led by the first certain
// failure; "" when none has failed for certain.
func cause(bad []Workload) string {
	lead, failed, progressing := -1, []string{}, 0
	for i, w := range bad {
		switch {
		case w.State != health.Failed:
			progressing++
		case lead < 0:
			lead = i
		default:
			failed = append(failed, strings.ToLower(w.Kind)+"/"+w.Name+" "+w.Reason)
		}
	}
	if lead < 0 {
		return ""
	}
	s := bad[lead].failure()
	if len(failed) > 3 {
		failed = append(failed[:3], fmt.Sprintf("+%d", len(failed)-3))
	}
	if len(failed) > 0 {
		s += "; also failed: " + strings.Join(failed, ", ")
	}
	switch progressing {
	case 0:
	case 1:
		s += "; 1 other workload still progressing"
	default:
		s += fmt.Sprintf("; %d other workloads still progressing", progressing)
	}
	return s
}

// failure names a failed workload's first certain finding: "deployment/notify:
// pod notify-x: container notify: ImagePullBackOff — manifest unknown", or
// its own reason when no pod finding is certain.
func (w Workload) failure() string {
	s := strings.ToLower(w.Kind) + "/" + w.Name + ": "
	for _, f := range w.Findings {
		if !f.Certain {
			continue
		}
		if w.Kind != "Pod" {
			s += "pod " + f.Pod + ": "
		}
		if f.Container != "" {
			s += map[bool]string{true: "init container ", false: "container "}[f.Init] + f.Container + ": "
		}
		s += f.Reason
		if f.Message != "" {
			s += " — " + f.Message
		}
		if n := w.certainPods() - 1; n > 0 {
			s += fmt.Sprintf(" (and %d more pod%s)", n, map[bool]string{true: "s", false: ""}[n > 1])
		}
		return s
	}
	s += w.Reason
	if w.Message != "" {
		s += " — " + w.Message
	}
	return s
}

// certainPods counts the pods with a certain finding.
func (w Workload) certainPods() int {
	pods := map[string]bool{}
	for _, f := range w.Findings {
		if f.Certain {
			pods[f.Pod] = true
		}
	}
	return len(pods)
}

// describe names a workload, its reason and its not-ready pods.
func (w Workload) describe() string {
	s := fmt.Sprintf("%s/%s %s", strings.ToLower(w.Kind), w.Name, w.Reason)
	var pods []string
	seen := map[string]bool{}
	for _, f := range w.Findings {
		if !seen[f.Pod] {
			seen[f.Pod] = true
			pods = append(pods, f.Pod+" ("+f.Reason+")")
		}
	}
	if len(pods) > 3 {
		pods = append(pods[:3], fmt.Sprintf("+%d", len(pods)-3))
	}
	if len(pods) > 0 {
		s += " [pods " + strings.Join(pods, ", ") + "]"
	}
	return s
}
