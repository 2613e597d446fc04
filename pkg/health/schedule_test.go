package health

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// The pod as the scheduler leaves it when no node fits (PodScheduled False,
// reason Unschedulable, the FitError message); LTT is replaced per case.
const unschedulablePod = `
metadata: {name: web-5d8f-abcde, namespace: ns, uid: pod-1, creationTimestamp: "2025-10-26T11:00:00Z"}
spec: {containers: [{name: web, image: "registry.example/web:1", resources: {requests: {cpu: "64"}}}]}
status:
  phase: Pending
  conditions:
  - type: PodScheduled
    status: "False"
    reason: Unschedulable
    message: "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    lastTransitionTime: LTT
`

const fitError = "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."

// Events as cluster-autoscaler's recorder writes them (core/v1, source
// component cluster-autoscaler, Normal): TriggeredScaleUp with the scale-up
// infos, NotTriggerScaleUp with the aggregated reasons of every node group.
const (
	triggered = `
metadata: {name: web-5d8f-abcde.1873a1b2c3d4e5f6, namespace: ns}
involvedObject: {apiVersion: v1, kind: Pod, name: web-5d8f-abcde, namespace: ns, uid: pod-1, resourceVersion: "4711"}
reason: TriggeredScaleUp
message: "pod triggered scale-up: [{eks-workers-2a-20251026 1->2 (max: 10)}]"
source: {component: cluster-autoscaler}
reportingComponent: cluster-autoscaler
type: Normal
count: 1
firstTimestamp: AT
lastTimestamp: AT
`
	notTriggered = `
metadata: {name: web-5d8f-abcde.1873a1b2c3d4e5f7, namespace: ns}
involvedObject: {apiVersion: v1, kind: Pod, name: web-5d8f-abcde, namespace: ns, uid: pod-1, resourceVersion: "4711"}
reason: NotTriggerScaleUp
message: "pod didn't trigger scale-up: 1 max node group size reached, 2 Insufficient cpu"
source: {component: cluster-autoscaler}
reportingComponent: cluster-autoscaler
type: Normal
count: 3
firstTimestamp: AT
lastTimestamp: AT
`
	// the scheduler's own event (events.k8s.io recorder: eventTime, no
	// lastTimestamp) is not an autoscaler signal
	failedScheduling = `
metadata: {name: web-5d8f-abcde.1873a1b2c3d4e5f8, namespace: ns}
involvedObject: {apiVersion: v1, kind: Pod, name: web-5d8f-abcde, namespace: ns, uid: pod-1}
reason: FailedScheduling
message: "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
reportingComponent: default-scheduler
reportingInstance: default-scheduler-kind-control-plane
action: Scheduling
type: Warning
eventTime: "2025-10-26T11:59:59.000000Z"
`
)

func event(t *testing.T, doc, at string) *corev1.Event {
	t.Helper()
	e := &corev1.Event{}
	if err := yaml.UnmarshalStrict([]byte(strings.ReplaceAll(doc, "AT", `"`+at+`"`)), e); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return e
}

func TestUnschedulable(t *testing.T) {
	cases := []struct {
		name    string
		ltt     string // the PodScheduled condition's lastTransitionTime (now is 12:00:00)
		edit    func(p *corev1.Pod)
		events  func(t *testing.T) []*corev1.Event
		grace   time.Duration
		certain bool
		msg     string // what the message adds to the scheduler's
	}{
		{name: "no signal, inside the default grace", ltt: "11:59:50", certain: false},
		{name: "no signal, past the default grace", ltt: "11:59:45", certain: true},
		{name: "grace from the condition, not the creation", ltt: "11:59:59", certain: false}, // created 11:00
		{name: "--unschedulable-grace 2m", ltt: "11:59:00", grace: 2 * time.Minute, certain: false},
		{name: "--unschedulable-grace 2m, past it", ltt: "11:57:59", grace: 2 * time.Minute, certain: true},
		{name: "scheduler's FailedScheduling is no signal", ltt: "11:59:00", certain: true,
			events: func(t *testing.T) []*corev1.Event { return []*corev1.Event{event(t, failedScheduling, "")} }},
		{name: "TriggeredScaleUp waits past the grace", ltt: "11:50:00", certain: false,
			msg: "waiting for a new node: cluster-autoscaler TriggeredScaleUp: pod triggered scale-up: [{eks-workers-2a-20251026 1->2 (max: 10)}]",
			events: func(t *testing.T) []*corev1.Event {
				return []*corev1.Event{event(t, triggered, "2025-10-26T11:50:10Z")}
			}},
		{name: "NotTriggerScaleUp is certain at once", ltt: "11:59:59", certain: true,
			msg: "cluster-autoscaler NotTriggerScaleUp: pod didn't trigger scale-up: 1 max node group size reached, 2 Insufficient cpu",
			events: func(t *testing.T) []*corev1.Event {
				return []*corev1.Event{event(t, notTriggered, "2025-10-26T11:59:59Z")}
			}},
		{name: "newest word wins: scale-up failed, then not triggered", ltt: "11:50:00", certain: true,
			msg: "cluster-autoscaler NotTriggerScaleUp: pod didn't trigger scale-up: 1 max node group size reached, 2 Insufficient cpu",
			events: func(t *testing.T) []*corev1.Event {
				return []*corev1.Event{event(t, notTriggered, "2025-10-26T11:58:00Z"), event(t, triggered, "2025-10-26T11:50:10Z")}
			}},
		{name: "newest word wins: back-off over, scale-up triggered", ltt: "11:50:00", certain: false,
			msg: "waiting for a new node: cluster-autoscaler TriggeredScaleUp: pod triggered scale-up: [{eks-workers-2a-20251026 1->2 (max: 10)}]",
			events: func(t *testing.T) []*corev1.Event {
				return []*corev1.Event{event(t, triggered, "2025-10-26T11:58:00Z"), event(t, notTriggered, "2025-10-26T11:50:10Z")}
			}},
		{name: "an earlier pod's event (same name, other uid) is ignored", ltt: "11:59:00", certain: true,
			events: func(t *testing.T) []*corev1.Event {
				return []*corev1.Event{event(t, strings.Replace(triggered, "uid: pod-1", "uid: pod-0", 1), "2025-10-26T11:59:10Z")}
			}},
		{name: "another pod's event is ignored", ltt: "11:59:00", certain: true,
			events: func(t *testing.T) []*corev1.Event {
				return []*corev1.Event{event(t, strings.ReplaceAll(triggered, "name: web-5d8f-abcde", "name: web-5d8f-zzzzz"), "2025-10-26T11:59:10Z")}
			}},
		{name: "nominated node (preemption under way) waits", ltt: "11:50:00", certain: false,
			msg:  "nominated node worker-2 (preemption under way)",
			edit: func(p *corev1.Pod) { p.Status.NominatedNodeName = "worker-2" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := podOf(t, strings.Replace(unschedulablePod, "LTT", `"2025-10-26T`+c.ltt+`Z"`, 1))
			if c.edit != nil {
				c.edit(p)
			}
			s := Scheduling{Grace: c.grace}
			if c.events != nil {
				s.Scale = ScaleEvents(c.events(t))
			}
			want := Finding{Reason: "Unschedulable", Message: fitError, Certain: c.certain}
			if c.msg != "" {
				want.Message += "; " + c.msg
			}
			got := Pod(p, now, s)
			for i := range got {
				got[i].Pod = "p" // assertFindings compares against the fixture name p
			}
			assertFindings(t, got, []Finding{want})
		})
	}
}

func TestUnschedulableOnlyPending(t *testing.T) {
	p := podOf(t, strings.Replace(unschedulablePod, "LTT", `"2025-10-26T11:00:00Z"`, 1))
	if !Unschedulable(p) {
		t.Fatal("a Pending pod with PodScheduled=False/Unschedulable is unschedulable")
	}
	p.Status.Conditions[0].Reason = "SchedulingGated"
	if Unschedulable(p) {
		t.Fatal("a gated pod waits for its gates, not for a node")
	}
}
