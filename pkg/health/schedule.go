package health

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// The events cluster-autoscaler records on a pending pod it considered, with
// the messages it writes (processors/status/eventing_scale_up_processor.go):
//
//	TriggeredScaleUp   pod triggered scale-up: [{<node group> 1->2 (max: 10)}]
//	NotTriggerScaleUp  pod didn't trigger scale-up: 1 max node group size reached, 2 Insufficient cpu
//
// Both are Normal events from source component "cluster-autoscaler"; the
// autoscaler re-records its current verdict every loop, so the newest one is
// its word.
const (
	TriggeredScaleUp  = "TriggeredScaleUp"
	NotTriggerScaleUp = "NotTriggerScaleUp"
)

// ScaleReasons are the event reasons the Unschedulable rule reads.
var ScaleReasons = []string{TriggeredScaleUp, NotTriggerScaleUp}

// DefaultUnschedulableGrace is how long a pod may stay Unschedulable, with
// no autoscaler at work on it, before that is a certain failure (kstatus'
// schedule window).
const DefaultUnschedulableGrace = 15 * time.Second

// Scheduling is what the Unschedulable rule reads besides the pod.
type Scheduling struct {
	// Grace is how long a pod may stay Unschedulable without an autoscaler
	// signal, from its PodScheduled condition's lastTransitionTime;
	// 0 = DefaultUnschedulableGrace.
	Grace time.Duration
	// Scale holds the autoscaler's newest event on each pod, by PodKey.
	Scale map[string]ScaleEvent
}

// ScaleEvent is an autoscaler's newest word on one pod.
type ScaleEvent struct {
	Reason, Message, Source string
	UID                     types.UID // of the pod the event is about; "" = unknown
	At                      time.Time
}

// PodKey keys Scheduling.Scale.
func PodKey(namespace, name string) string { return namespace + "/" + name }

// ScaleEvents returns the newest TriggeredScaleUp or NotTriggerScaleUp event
// of every pod among events (others are ignored).
func ScaleEvents(events []*corev1.Event) map[string]ScaleEvent {
	out := map[string]ScaleEvent{}
	for _, e := range events {
		if e.InvolvedObject.Kind != "Pod" || (e.Reason != TriggeredScaleUp && e.Reason != NotTriggerScaleUp) {
			continue
		}
		k := PodKey(e.InvolvedObject.Namespace, e.InvolvedObject.Name)
		if e.InvolvedObject.Namespace == "" {
			k = PodKey(e.Namespace, e.InvolvedObject.Name)
		}
		at := EventTime(e)
		if old, ok := out[k]; ok && old.At.After(at) {
			continue
		}
		src := e.Source.Component
		if src == "" {
			src = e.ReportingController
		}
		out[k] = ScaleEvent{Reason: e.Reason, Message: e.Message, Source: src, UID: e.InvolvedObject.UID, At: at}
	}
	return out
}

// EventTime is when an event last happened: lastTimestamp, eventTime (the
// events.k8s.io recorder) or its creation.
func EventTime(e *corev1.Event) time.Time {
	switch {
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp.Time
	case !e.EventTime.IsZero():
		return e.EventTime.Time
	}
	return e.CreationTimestamp.Time
}

// unschedulable judges a pod the scheduler could not place (condition c):
// still progressing while an autoscaler adds a node for it
// (TriggeredScaleUp) or the scheduler has nominated a node (preemption under
// way); certain at once when the autoscaler says it cannot help
// (NotTriggerScaleUp); otherwise certain once it has been unschedulable for
// the grace.
func unschedulable(p *corev1.Pod, c *corev1.PodCondition, s Scheduling, now time.Time) Finding {
	f := Finding{Pod: p.Name, Reason: "Unschedulable", Message: c.Message}
	ev, ok := s.Scale[PodKey(p.Namespace, p.Name)]
	if ok && ev.UID != "" && p.UID != "" && ev.UID != p.UID { // about an earlier pod of that name
		ok = false
	}
	switch {
	case p.Status.NominatedNodeName != "":
		f.Message = joinMsg(f.Message, fmt.Sprintf("nominated node %s (preemption under way)", p.Status.NominatedNodeName))
	case ok && ev.Reason == TriggeredScaleUp:
		f.Message = joinMsg(f.Message, fmt.Sprintf("waiting for a new node: %s %s: %s", ev.Source, ev.Reason, ev.Message))
	case ok && ev.Reason == NotTriggerScaleUp:
		f.Message, f.Certain = joinMsg(f.Message, fmt.Sprintf("%s %s: %s", ev.Source, ev.Reason, ev.Message)), true
	default:
		since := c.LastTransitionTime.Time
		if since.IsZero() {
			since = p.CreationTimestamp.Time
		}
		grace := s.Grace
		if grace <= 0 {
			grace = DefaultUnschedulableGrace
		}
		f.Certain = now.Sub(since) >= grace
	}
	return f
}

func joinMsg(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// Unschedulable reports whether p waits for the scheduler (PodScheduled
// False, reason Unschedulable): the pods whose autoscaler events matter.
func Unschedulable(p *corev1.Pod) bool {
	c := condition(p, corev1.PodScheduled)
	return p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodPending &&
		c != nil && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable
}
