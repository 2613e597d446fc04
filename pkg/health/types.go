package health

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// State is a verdict on a workload, a pod or the whole check.
type State string

// The states, from best to worst.
const (
	Healthy     State = "Healthy"
	Progressing State = "Progressing" // not healthy yet, may still become healthy
	Failed      State = "Failed"      // failure is certain: waiting longer will not help
)

// Worse returns the worse of a and b.
func Worse(a, b State) State {
	rank := map[State]int{Healthy: 0, "": 0, Progressing: 1, Failed: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// Finding is one reason a pod (or one of its containers) is not healthy.
type Finding struct {
	Workload  string `json:"workload,omitempty"` // kind/name, set by the caller that grouped the pods
	Pod       string `json:"pod"`
	Container string `json:"container,omitempty"`
	Init      bool   `json:"init,omitempty"` // the container is an init container
	Reason    string `json:"reason"`
	Message   string `json:"message,omitempty"`
	// Certain marks a failure that waiting will not fix (fail fast).
	Certain  bool  `json:"certain"`
	Restarts int32 `json:"restarts,omitempty"`
	// Exited: the container is terminated now, so its own log is the
	// crashed run's (a real kubelet may already have removed the run
	// before it); otherwise a restarted container's crash is the previous.
	Exited   bool   `json:"-"`
	Expected string `json:"expectedDigest,omitempty"` // DigestMismatch only
	Running  string `json:"runningDigest,omitempty"`  // DigestMismatch only
	// Events and Logs are evidence added by the caller (verify), newest last.
	Events []string `json:"events,omitempty"`
	Logs   []string `json:"logs,omitempty"`
}

// State is Failed for a certain finding, else Progressing.
func (f Finding) State() State {
	if f.Certain {
		return Failed
	}
	return Progressing
}

// Status is a workload's kstatus-based verdict.
type Status struct {
	State   State  `json:"state"`
	Kstatus string `json:"kstatus"` // kstatus' own word: Current, InProgress, Failed, Terminating
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	Ready   int64  `json:"ready"`
	Desired int64  `json:"desired"`
}

// Objects is the cluster state a verdict is computed from: what a few LISTs
// (or the informers' caches) return.
type Objects struct {
	Pods         []*corev1.Pod
	Deployments  []*appsv1.Deployment
	StatefulSets []*appsv1.StatefulSet
	DaemonSets   []*appsv1.DaemonSet
	Jobs         []*batchv1.Job
	// Events are the autoscaler's events on pods (reasons ScaleReasons),
	// read only while a pod is Unschedulable or with --wait.
	Events []*corev1.Event
	// Custom are objects of the release's other kinds (custom resources),
	// judged by ComputeGeneric when they have a standard status.
	Custom []*unstructured.Unstructured
}
