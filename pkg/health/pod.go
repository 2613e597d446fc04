package health

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// certainWaiting are container waiting reasons that do not heal by waiting.
var certainWaiting = map[string]bool{
	"CrashLoopBackOff":           true,
	"ImagePullBackOff":           true,
	"ErrImagePull":               true,
	"InvalidImageName":           true,
	"ErrImageNeverPull":          true,
	"CreateContainerConfigError": true,
	"CreateContainerError":       true,
	"RunContainerError":          true,
}

// Pod returns why pod p is not healthy; nil when it is healthy (Ready, or
// Succeeded). A terminating pod is ignored: its replacement is judged. s
// holds what the Unschedulable rule reads besides the pod.
func Pod(p *corev1.Pod, now time.Time, s Scheduling) []Finding {
	if p.DeletionTimestamp != nil || p.Status.Phase == corev1.PodSucceeded {
		return nil
	}
	var out []Finding
	for _, cs := range p.Status.InitContainerStatuses {
		if f, ok := initFinding(p, cs); ok {
			out = append(out, f)
		}
	}
	for _, cs := range p.Status.ContainerStatuses {
		if f, ok := containerFinding(p, cs); ok {
			out = append(out, f)
		}
	}
	if len(out) > 0 {
		return out
	}
	if rr := recentlyRestarted(p, now); len(rr) > 0 {
		return rr
	}
	switch {
	case p.Status.Phase == corev1.PodFailed:
		return []Finding{failedPod(p)}
	case p.Status.Phase == corev1.PodPending:
		return []Finding{pendingPod(p, now, s)}
	case !podReady(p):
		return notReady(p)
	}
	return nil
}

func initFinding(p *corev1.Pod, cs corev1.ContainerStatus) (Finding, bool) {
	f := Finding{Pod: p.Name, Container: cs.Name, Init: true, Restarts: cs.RestartCount}
	if w := cs.State.Waiting; w != nil && certainWaiting[w.Reason] {
		f.Reason, f.Message, f.Certain = "InitContainer"+w.Reason, w.Message, true
		return f, true
	}
	if t := cs.State.Terminated; t != nil && t.ExitCode != 0 {
		f.Reason, f.Certain = "InitContainerFailed", true
		f.Message = terminatedText(t)
		return f, true
	}
	return f, false
}

func containerFinding(p *corev1.Pod, cs corev1.ContainerStatus) (Finding, bool) {
	f := Finding{Pod: p.Name, Container: cs.Name, Restarts: cs.RestartCount}
	if f, ok := crashedAgain(p, cs, f); ok {
		return f, true
	}
	w := cs.State.Waiting
	if w == nil || !certainWaiting[w.Reason] {
		return f, false
	}
	f.Reason, f.Message, f.Certain = w.Reason, w.Message, true
	if t := cs.LastTerminationState.Terminated; t != nil {
		if t.Reason == "OOMKilled" {
			f.Reason = "OOMKilled"
		}
		f.Message = strings.TrimPrefix(f.Message+"; last exit: "+terminatedText(t), "; ")
	}
	return f, true
}

// crashedAgain is a crash loop seen between restarts: a real kubelet shows
// the container terminated (Error, OOMKilled) for most of each back-off and
// CrashLoopBackOff only in short windows, so a container that exited non-zero
// after at least one restart is a certain failure whatever the snapshot.
// restartPolicy Never/OnFailure pods are judged by their phase instead.
func crashedAgain(p *corev1.Pod, cs corev1.ContainerStatus, f Finding) (Finding, bool) {
	t := cs.State.Terminated
	if t == nil || t.ExitCode == 0 || cs.RestartCount < 1 || p.Spec.RestartPolicy == corev1.RestartPolicyNever ||
		p.Spec.RestartPolicy == corev1.RestartPolicyOnFailure {
		return f, false
	}
	f.Reason, f.Certain, f.Exited = "CrashLoopBackOff", true, true
	if t.Reason == "OOMKilled" {
		f.Reason = "OOMKilled"
	}
	f.Message = fmt.Sprintf("restarted %d time(s); last exit: %s", cs.RestartCount, terminatedText(t))
	return f, true
}

// RestartSettle is how long a container that last exited non-zero must
// stay up before its pod counts as healthy: a real kubelet shows a
// crash-looping container Running (even Ready) for a moment after each
// back-off, so one snapshot in that moment must not read Healthy. Waiting
// past it decides: up for RestartSettle → healthy; another restart → a
// certain RestartedDuringCheck or CrashLoopBackOff.
const RestartSettle = 10 * time.Second

// RecentlyRestarted is the reason of recentlyRestarted's findings; unlike
// other uncertain findings it counts against a workload kstatus calls
// healthy (a Deployment is Available during a crash loop's Running moments).
const RecentlyRestarted = "RecentlyRestarted"

// recentlyRestarted returns a not-yet-certain finding for each running
// container that exited non-zero before its current start, less than
// RestartSettle ago.
func recentlyRestarted(p *corev1.Pod, now time.Time) []Finding {
	if p.Status.Phase != corev1.PodRunning || p.Spec.RestartPolicy == corev1.RestartPolicyNever {
		return nil
	}
	var out []Finding
	for _, cs := range p.Status.ContainerStatuses {
		r, t := cs.State.Running, cs.LastTerminationState.Terminated
		if r == nil || t == nil || t.ExitCode == 0 || cs.RestartCount < 1 || r.StartedAt.IsZero() {
			continue
		}
		up := now.Sub(r.StartedAt.Time)
		if up >= RestartSettle {
			continue
		}
		out = append(out, Finding{Pod: p.Name, Container: cs.Name, Reason: RecentlyRestarted, Restarts: cs.RestartCount,
			Message: fmt.Sprintf("up %s after restart %d (settles after %s); last exit: %s",
				up.Round(time.Second), cs.RestartCount, RestartSettle, terminatedText(t))})
	}
	return out
}

func failedPod(p *corev1.Pod) Finding {
	f := Finding{Pod: p.Name, Reason: "PodFailed", Message: p.Status.Message, Certain: !ownedByJob(p)}
	if p.Status.Reason != "" {
		f.Reason = p.Status.Reason
	}
	for _, cs := range p.Status.ContainerStatuses {
		if t := cs.State.Terminated; t != nil && t.ExitCode != 0 {
			f.Container, f.Message = cs.Name, terminatedText(t)
			break
		}
	}
	return f
}

func pendingPod(p *corev1.Pod, now time.Time, s Scheduling) Finding {
	if Unschedulable(p) {
		return unschedulable(p, condition(p, corev1.PodScheduled), s, now)
	}
	return Finding{Pod: p.Name, Reason: "Pending", Message: "pod is Pending"}
}

func notReady(p *corev1.Pod) []Finding {
	var out []Finding
	for _, cs := range p.Status.ContainerStatuses {
		if cs.Ready {
			continue
		}
		msg := "container is not ready"
		if cs.State.Running != nil {
			msg = "container is running but not ready (readiness probe)"
		} else if t := cs.State.Terminated; t != nil {
			msg = "container terminated: " + terminatedText(t)
		}
		out = append(out, Finding{Pod: p.Name, Container: cs.Name, Reason: "NotReady", Message: msg, Restarts: cs.RestartCount})
	}
	if len(out) == 0 {
		msg := "pod is not Ready"
		if c := condition(p, corev1.PodReady); c != nil && c.Message != "" {
			msg = c.Message
		}
		out = append(out, Finding{Pod: p.Name, Reason: "NotReady", Message: msg})
	}
	return out
}

// RestartKey identifies one container of one pod instance for Restarts.
func RestartKey(p *corev1.Pod, container string) string {
	return string(p.UID) + "/" + container
}

// Restarts returns a certain finding for every container of p whose restart
// count grew past baseline (keyed by RestartKey): a restart during the check,
// even when the container is Ready again.
func Restarts(p *corev1.Pod, baseline map[string]int32) []Finding {
	var out []Finding
	for _, cs := range p.Status.ContainerStatuses {
		before, seen := baseline[RestartKey(p, cs.Name)]
		if !seen || cs.RestartCount <= before {
			continue
		}
		msg, reason := fmt.Sprintf("restarted %d time(s) during the check", cs.RestartCount-before), "RestartedDuringCheck"
		if t := cs.LastTerminationState.Terminated; t != nil {
			msg += "; last exit: " + terminatedText(t)
			if t.Reason == "OOMKilled" { // the kubelet's reason names the cause (a real kubelet restarts at once)
				reason = t.Reason
			}
		}
		out = append(out, Finding{Pod: p.Name, Container: cs.Name, Reason: reason, Message: msg, Certain: true, Restarts: cs.RestartCount})
	}
	return out
}

func terminatedText(t *corev1.ContainerStateTerminated) string {
	s := fmt.Sprintf("%s (exit code %d)", t.Reason, t.ExitCode)
	if t.Message != "" {
		s += ": " + t.Message
	}
	return strings.TrimSpace(s)
}

func podReady(p *corev1.Pod) bool {
	c := condition(p, corev1.PodReady)
	return c != nil && c.Status == corev1.ConditionTrue
}

func condition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

func ownedByJob(p *corev1.Pod) bool {
	c := metav1.GetControllerOf(p)
	return c != nil && c.Kind == "Job"
}
