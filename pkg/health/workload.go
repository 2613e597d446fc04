package health

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

// rule is one row of the kind table: how to count ready/desired replicas
// and how to refine kstatus' verdict where it is too lenient for a health
// check.
type rule struct {
	apiVersion string
	ready      string // field paths, kstatus.GetIntField syntax
	desired    string
	refine     func(u *unstructured.Unstructured, s Status) Status
}

var rules = map[string]rule{
	"Deployment":  {"apps/v1", ".status.readyReplicas", ".spec.replicas", nil},
	"StatefulSet": {"apps/v1", ".status.readyReplicas", ".spec.replicas", onDelete},
	"DaemonSet":   {"apps/v1", ".status.numberReady", ".status.desiredNumberScheduled", nil},
	"Job":         {"batch/v1", ".status.succeeded", ".spec.completions", runningJob},
	"Pod":         {"v1", "", "", barePod},
}

// Kinds lists the workload kinds the table knows.
func Kinds() []string { return []string{"DaemonSet", "Deployment", "Job", "Pod", "StatefulSet"} }

// WorkloadStatus computes the status of a typed workload (Deployment,
// StatefulSet, DaemonSet, Job or bare Pod).
func WorkloadStatus(obj runtime.Object) (Status, error) {
	kind := kindOf(obj)
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return Status{}, fmt.Errorf("convert %s: %w", kind, err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetKind(kind)
	if r, ok := rules[kind]; ok {
		u.SetAPIVersion(r.apiVersion)
	}
	return Compute(u)
}

// Compute computes the status of an unstructured workload: kstatus first,
// then the kind's refinement from the table.
func Compute(u *unstructured.Unstructured) (Status, error) {
	r, ok := rules[u.GetKind()]
	if !ok {
		return Status{}, fmt.Errorf("no health rule for kind %q", u.GetKind())
	}
	res, err := kstatus.Compute(u)
	if err != nil {
		return Status{}, fmt.Errorf("kstatus %s/%s: %w", u.GetKind(), u.GetName(), err)
	}
	s := Status{Kstatus: string(res.Status), Message: res.Message, State: stateOf(res.Status)}
	for _, c := range res.Conditions {
		if c.Reason != "" {
			s.Reason = c.Reason
			break
		}
	}
	obj := u.UnstructuredContent()
	if r.desired != "" {
		s.Ready = int64(kstatus.GetIntField(obj, r.ready, 0))
		s.Desired = int64(kstatus.GetIntField(obj, r.desired, defaultDesired(u)))
	}
	if r.refine != nil {
		s = r.refine(u, s)
	}
	return s, nil
}

func defaultDesired(u *unstructured.Unstructured) int {
	if u.GetKind() == "Job" {
		return kstatus.GetIntField(u.Object, ".spec.parallelism", 1)
	}
	if u.GetKind() == "DaemonSet" {
		return 0
	}
	return 1
}

func stateOf(s kstatus.Status) State {
	switch s {
	case kstatus.CurrentStatus:
		return Healthy
	case kstatus.FailedStatus:
		return Failed
	}
	return Progressing
}

// onDelete: kstatus calls every OnDelete StatefulSet Current; a health check
// still needs its pods ready. Pods left on the old revision are by design
// (the operator deletes them), so they are reported, not failed.
func onDelete(u *unstructured.Unstructured, s Status) Status {
	obj := u.UnstructuredContent()
	if kstatus.GetStringField(obj, ".spec.updateStrategy.type", "") != string(appsv1.OnDeleteStatefulSetStrategyType) {
		return s
	}
	if s.Ready < s.Desired {
		s.State, s.Reason = Progressing, "OnDeleteNotReady"
		s.Message = fmt.Sprintf("OnDelete StatefulSet: ready %d/%d", s.Ready, s.Desired)
		return s
	}
	cur := kstatus.GetStringField(obj, ".status.currentRevision", "")
	upd := kstatus.GetStringField(obj, ".status.updateRevision", "")
	if cur != upd {
		updated := kstatus.GetIntField(obj, ".status.updatedReplicas", 0)
		s.Reason = "OnDeletePending"
		s.Message = fmt.Sprintf("OnDelete StatefulSet: %d/%d pods on revision %s; delete the others to update", updated, s.Desired, upd)
	}
	return s
}

// runningJob: kstatus calls a started Job Current; verify-pods waits for it
// to complete.
func runningJob(u *unstructured.Unstructured, s Status) Status {
	if s.State != Healthy || hasCondition(u, string(batchv1.JobComplete)) {
		return s
	}
	s.State, s.Reason = Progressing, "JobRunning"
	return s
}

// barePod: kstatus calls a Failed pod Current ("completed"); for a health
// check a failed bare pod is a certain failure. kstatus fails an
// Unschedulable pod 15 s after its creation; here the pod-level
// Unschedulable rule decides (autoscaler signals, --unschedulable-grace).
func barePod(u *unstructured.Unstructured, s Status) Status {
	phase := kstatus.GetStringField(u.Object, ".status.phase", "")
	if s.State == Failed && s.Reason == "PodUnschedulable" {
		s.State, s.Reason, s.Message = Progressing, "Unschedulable", "pod has not been scheduled" // Kstatus keeps kstatus' word
	}
	switch phase {
	case string(corev1.PodFailed):
		s.State, s.Reason, s.Message = Failed, "PodFailed", "pod ended in phase Failed"
	case string(corev1.PodSucceeded): // a finished helm test pod: done, not ready (as kubectl's 0/1 Completed)
		s.Reason, s.Message = "Completed", "pod ran to completion"
	}
	s.Desired = 1
	if s.State == Healthy && phase != string(corev1.PodSucceeded) {
		s.Ready = 1
	}
	return s
}

func hasCondition(u *unstructured.Unstructured, typ string) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ && m["status"] == "True" {
			return true
		}
	}
	return false
}

func kindOf(obj runtime.Object) string {
	switch obj.(type) {
	case *appsv1.Deployment:
		return "Deployment"
	case *appsv1.StatefulSet:
		return "StatefulSet"
	case *appsv1.DaemonSet:
		return "DaemonSet"
	case *batchv1.Job:
		return "Job"
	case *corev1.Pod:
		return "Pod"
	}
	return obj.GetObjectKind().GroupVersionKind().Kind
}
