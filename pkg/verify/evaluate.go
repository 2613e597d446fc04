package verify

import (
	"fmt"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/stella-ops/stella-plugins/pkg/health"
)

// Helm's ownership annotations on every object of a release.
const (
	AnnotationReleaseName      = "meta.helm.sh/release-name"
	AnnotationReleaseNamespace = "meta.helm.sh/release-namespace"
)

// Selection says which workloads belong to the check.
type Selection struct {
	Release  string          // Helm release name; "" = not by release
	Selector labels.Selector // nil = not by label
}

// matches reports whether a top-level object belongs to the selection.
func (s Selection) matches(m metav1.Object) bool {
	if s.Release != "" {
		a := m.GetAnnotations()
		if a[AnnotationReleaseName] != s.Release {
			return false
		}
		if ns, ok := a[AnnotationReleaseNamespace]; ok && ns != m.GetNamespace() {
			return false
		}
	}
	if s.Selector != nil && !s.Selector.Matches(labels.Set(m.GetLabels())) {
		return false
	}
	return s.Release != "" || s.Selector != nil || metav1.GetControllerOf(m) == nil
}

// Evaluation is the state verify keeps between evaluations of a wait.
type Evaluation struct {
	Selection Selection
	Pins      health.Pins
	// PinSource names where the pins come from in DigestMismatch messages
	// ("release manifest 2025.10.0-edge", "bookmark edge-r1"); "" = "expected".
	PinSource string
	// Baseline holds each container's restart count when first seen; Observe
	// fills it, Restarts compares against it.
	Baseline map[string]int32
	// UnschedulableGrace bounds an Unschedulable pod's wait when no
	// autoscaler works on it; 0 = health.DefaultUnschedulableGrace.
	UnschedulableGrace time.Duration
}

// Observe records the restart count of containers seen for the first time.
func (e *Evaluation) Observe(pods []*corev1.Pod) {
	if e.Baseline == nil {
		e.Baseline = map[string]int32{}
	}
	for _, p := range pods {
		for _, cs := range p.Status.ContainerStatuses {
			if _, ok := e.Baseline[health.RestartKey(p, cs.Name)]; !ok {
				e.Baseline[health.RestartKey(p, cs.Name)] = cs.RestartCount
			}
		}
	}
}

// Evaluate computes every selected workload's verdict from objs at now,
// sorted by namespace, kind and name. It is pure apart from e's baseline.
func (e *Evaluation) Evaluate(objs health.Objects, now time.Time) ([]Workload, error) {
	e.Observe(objs.Pods)
	idx := indexPods(objs.Pods)
	var out []Workload
	add := func(obj runtime.Object, m metav1.Object, key string) error {
		if !e.Selection.matches(m) {
			return nil
		}
		w, err := e.workload(obj, m, idx[key])
		if err != nil {
			return err
		}
		out = append(out, w)
		return nil
	}
	var err error
	for _, d := range objs.Deployments {
		err = firstErr(err, add(d, d, ownerKey(d.Namespace, "Deployment", d.Name)))
	}
	for _, s := range objs.StatefulSets {
		err = firstErr(err, add(s, s, ownerKey(s.Namespace, "", string(s.UID))))
	}
	for _, d := range objs.DaemonSets {
		err = firstErr(err, add(d, d, ownerKey(d.Namespace, "", string(d.UID))))
	}
	for _, j := range objs.Jobs {
		err = firstErr(err, add(j, j, ownerKey(j.Namespace, "", string(j.UID))))
	}
	for _, p := range idx[bare] {
		err = firstErr(err, add(p, p, ownerKey(p.Namespace, "Pod", p.Name)))
	}
	for _, u := range objs.Custom {
		if health.HasStandardStatus(u) {
			err = firstErr(err, add(u, u, customKey(u, idx, objs.Deployments)))
		}
	}
	sortWorkloads(out)
	sched := health.Scheduling{Grace: e.UnschedulableGrace, Scale: health.ScaleEvents(objs.Events)}
	for i := range out {
		out[i].judge(now, sched)
	}
	return out, err
}

func (e *Evaluation) workload(obj runtime.Object, m metav1.Object, pods []*corev1.Pod) (Workload, error) {
	var st health.Status
	var err error
	if u, ok := obj.(*unstructured.Unstructured); ok {
		st, err = health.ComputeGeneric(u)
	} else {
		st, err = health.WorkloadStatus(obj)
	}
	if err != nil {
		return Workload{}, err
	}
	w := Workload{Namespace: m.GetNamespace(), Name: m.GetName(), Status: st}
	w.Kind = kindName(obj)
	if w.Kind == "Pod" {
		pods = []*corev1.Pod{obj.(*corev1.Pod)}
	}
	w.pods = pods
	w.outdated = outdatedPods(obj, pods)
	w.nodes = map[string]string{}
	for _, p := range pods {
		if p.DeletionTimestamp == nil {
			w.Pods++
		}
		w.nodes[p.Name] = p.Spec.NodeName
		w.Findings = append(w.Findings, health.Restarts(p, e.Baseline)...)
		if !w.outdated[p.Name] { // pins are judged on the current template's pods only
			w.Findings = append(w.Findings, health.Digests(p, e.Pins, e.PinSource)...)
		}
	}
	return w, nil
}

// judge adds the pod-level findings and folds them into the workload state.
func (w *Workload) judge(now time.Time, sched health.Scheduling) {
	for _, p := range w.pods {
		w.Findings = append(w.Findings, health.Pod(p, now, sched)...)
	}
	w.pods = nil
	for i, f := range w.Findings {
		if w.outdated[f.Pod] { // an older template's pod: the rollout replaces it
			w.Findings[i].Certain = false
		}
	}
	w.outdated = nil
	jobFailed := w.Kind == "Job" && w.State == health.Failed
	if jobFailed { // the Job gave up: its pods' failures are final; JobFailed stays its reason
		for i := range w.Findings {
			w.Findings[i].Certain = true
		}
	}
	if w.State == health.Healthy && w.Kind != "Pod" {
		// a healthy workload's pods only count for certain failures
		// (restarts, digests) and a crash loop's Running moment; a
		// not-ready surplus pod is kstatus' call.
		w.Findings = certainOnly(w.Findings)
	}
	sort.SliceStable(w.Findings, func(i, j int) bool {
		a, b := w.Findings[i], w.Findings[j]
		if a.Pod != b.Pod {
			return a.Pod < b.Pod
		}
		return a.Container < b.Container
	})
	reason := ""
	for i, f := range w.Findings {
		w.Findings[i].Workload = w.Kind + "/" + w.Name
		w.State = health.Worse(w.State, f.State())
		if reason == "" && f.Certain {
			reason = f.Reason
		}
	}
	if reason == "" && len(w.Findings) > 0 && w.Reason == "" {
		reason = w.Findings[0].Reason
	}
	if reason != "" && !jobFailed {
		w.Reason = reason
	}
}

func certainOnly(fs []health.Finding) []health.Finding {
	var out []health.Finding
	for _, f := range fs {
		if f.Certain || f.Reason == health.RecentlyRestarted {
			out = append(out, f)
		}
	}
	return out
}

const bare = "\x00bare"

// indexPods groups pods by their workload: Deployment pods by the
// ReplicaSet's name minus its pod-template-hash, other controlled pods by
// the controller's UID; pods without a controller are listed under bare.
func indexPods(pods []*corev1.Pod) map[string][]*corev1.Pod {
	idx := map[string][]*corev1.Pod{}
	for _, p := range pods {
		c := metav1.GetControllerOf(p)
		switch {
		case c == nil:
			idx[bare] = append(idx[bare], p)
		case c.Kind == "ReplicaSet":
			name := strings.TrimSuffix(c.Name, "-"+p.Labels["pod-template-hash"])
			idx[ownerKey(p.Namespace, "Deployment", name)] = append(idx[ownerKey(p.Namespace, "Deployment", name)], p)
		default:
			idx[ownerKey(p.Namespace, "", string(c.UID))] = append(idx[ownerKey(p.Namespace, "", string(c.UID))], p)
		}
	}
	return idx
}

func ownerKey(ns, kind, name string) string { return ns + "/" + kind + "/" + name }

func sortWorkloads(ws []Workload) {
	sort.Slice(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
}

func kindName(obj runtime.Object) string {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		return u.GetKind()
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", obj), "*v1.")
}

// customKey ties a custom resource to its pods: the pods it controls
// (ownerReferences, by UID), else the pods of ReplicaSets named after it
// (<name>-<pod-template-hash>, as an Argo Rollout's) when no Deployment has
// its name.
func customKey(u *unstructured.Unstructured, idx map[string][]*corev1.Pod, deps []*appsv1.Deployment) string {
	key := ownerKey(u.GetNamespace(), "", string(u.GetUID()))
	if len(idx[key]) > 0 {
		return key
	}
	for _, d := range deps {
		if d.Namespace == u.GetNamespace() && d.Name == u.GetName() {
			return key
		}
	}
	return ownerKey(u.GetNamespace(), "Deployment", u.GetName())
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
