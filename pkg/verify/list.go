package verify

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// list reads the namespace's state with five LISTs, no per-object GETs, plus
// the autoscaler's events while a pod is Unschedulable.
func list(ctx context.Context, c kubernetes.Interface, ns string) (health.Objects, error) {
	var o health.Objects
	opts := metav1.ListOptions{}
	pods, err := c.CoreV1().Pods(ns).List(ctx, opts)
	if err != nil {
		return o, kube.APIError(err, "list", "pods", ns)
	}
	for i := range pods.Items {
		o.Pods = append(o.Pods, &pods.Items[i])
	}
	deps, err := c.AppsV1().Deployments(ns).List(ctx, opts)
	if err != nil {
		return o, kube.APIError(err, "list", "deployments.apps", ns)
	}
	for i := range deps.Items {
		o.Deployments = append(o.Deployments, &deps.Items[i])
	}
	sts, err := c.AppsV1().StatefulSets(ns).List(ctx, opts)
	if err != nil {
		return o, kube.APIError(err, "list", "statefulsets.apps", ns)
	}
	for i := range sts.Items {
		o.StatefulSets = append(o.StatefulSets, &sts.Items[i])
	}
	dss, err := c.AppsV1().DaemonSets(ns).List(ctx, opts)
	if err != nil {
		return o, kube.APIError(err, "list", "daemonsets.apps", ns)
	}
	for i := range dss.Items {
		o.DaemonSets = append(o.DaemonSets, &dss.Items[i])
	}
	jobs, err := c.BatchV1().Jobs(ns).List(ctx, opts)
	if err != nil {
		return o, kube.APIError(err, "list", "jobs.batch", ns)
	}
	for i := range jobs.Items {
		o.Jobs = append(o.Jobs, &jobs.Items[i])
	}
	for _, p := range o.Pods {
		if health.Unschedulable(p) { // the autoscaler's word decides how long it may wait
			o.Events, err = scaleEvents(ctx, c, ns)
			break
		}
	}
	return o, err
}

// scaleEvents lists the autoscaler's events (one LIST per reason, selected
// by the API server).
func scaleEvents(ctx context.Context, c kubernetes.Interface, ns string) ([]*corev1.Event, error) {
	var out []*corev1.Event
	for _, reason := range health.ScaleReasons {
		l, err := c.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "reason=" + reason})
		if err != nil {
			return nil, kube.APIError(err, "list", "events", ns)
		}
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	}
	return out, nil
}

// maxEvents is how many of the last events are kept per object.
const maxEvents = 5

// events attaches the last events of every unhealthy workload and of its
// pods with findings: one LIST of events per namespace involved.
func events(ctx context.Context, c kubernetes.Interface, ws []Workload) error {
	byNS := map[string]bool{}
	for _, w := range ws {
		if len(w.Findings) > 0 || w.State != health.Healthy {
			byNS[w.Namespace] = true
		}
	}
	for ns := range byNS {
		list, err := c.CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return kube.APIError(err, "list", "events", ns)
		}
		attachEvents(ws, ns, indexEvents(list.Items))
	}
	return nil
}

// attachEvents gives each workload of ns its events and each pod's events
// to the first finding of that pod only, so they are shown once.
func attachEvents(ws []Workload, ns string, idx map[string][]string) {
	for i := range ws {
		w := &ws[i]
		if w.Namespace != ns {
			continue
		}
		w.Events = idx[eventKey(ns, w.Kind, w.Name)]
		seen := map[string]bool{}
		for j := range w.Findings {
			if f := &w.Findings[j]; !seen[f.Pod] {
				seen[f.Pod], f.Events = true, idx[eventKey(ns, "Pod", f.Pod)]
			}
		}
	}
}

func eventKey(ns, kind, name string) string { return ns + "/" + kind + "/" + name }

// indexEvents keeps the last maxEvents events of each object, oldest first,
// as "TIME TYPE REASON: MESSAGE (xN)".
func indexEvents(items []corev1.Event) map[string][]string {
	sort.SliceStable(items, func(i, j int) bool { return health.EventTime(&items[i]).Before(health.EventTime(&items[j])) })
	idx := map[string][]string{}
	for _, e := range items {
		k := eventKey(e.Namespace, e.InvolvedObject.Kind, e.InvolvedObject.Name)
		line := fmt.Sprintf("%s %s %s: %s", health.EventTime(&e).UTC().Format(time.RFC3339), e.Type, e.Reason, strings.TrimSpace(e.Message))
		if e.Count > 1 {
			line += fmt.Sprintf(" (x%d)", e.Count)
		}
		idx[k] = append(idx[k], line)
		if len(idx[k]) > maxEvents {
			idx[k] = idx[k][1:]
		}
	}
	return idx
}

func eventTime(e corev1.Event) time.Time {
	switch {
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp.Time
	case !e.EventTime.IsZero():
		return e.EventTime.Time
	}
	return e.CreationTimestamp.Time
}
