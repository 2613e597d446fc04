package bookmark

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/yaml"

	"github.com/stella-ops/stella-plugins/pkg/image"
)

// podSelector matches the pods of one workload of the manifest.
type podSelector struct {
	pod      string // a bare Pod's name
	selector labels.Selector
}

// selectors reads, from a release's rendered manifest, what selects each
// workload's pods: spec.selector, else the pod template's labels; a bare
// Pod by name. Objects of another namespace than ns are skipped.
func selectors(manifest, ns string) ([]podSelector, error) {
	dec := yaml.NewYAMLOrJSONDecoder(strings.NewReader(manifest), 4096)
	var out []podSelector
	for {
		var u unstructured.Unstructured
		if err := dec.Decode(&u.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, fmt.Errorf("release manifest: %w", err)
		}
		if u.Object == nil || (u.GetNamespace() != "" && u.GetNamespace() != ns) {
			continue
		}
		if s, ok := selectorOf(&u); ok {
			out = append(out, s)
		}
	}
}

func selectorOf(u *unstructured.Unstructured) (podSelector, bool) {
	spec := []string{"spec"}
	switch u.GetKind() {
	case "Pod":
		return podSelector{pod: u.GetName()}, true
	case "CronJob":
		spec = []string{"spec", "jobTemplate", "spec"}
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController":
	default:
		return podSelector{}, false
	}
	if u.GetKind() != "CronJob" && u.GetKind() != "Job" {
		if sel, ok := labelSelector(u, append(spec, "selector")); ok {
			return podSelector{selector: sel}, true
		}
	}
	tl, _, _ := unstructured.NestedStringMap(u.Object, append(spec, "template", "metadata", "labels")...)
	if len(tl) == 0 {
		return podSelector{}, false
	}
	return podSelector{selector: labels.SelectorFromSet(tl)}, true
}

func labelSelector(u *unstructured.Unstructured, path []string) (labels.Selector, bool) {
	if m, ok, _ := unstructured.NestedStringMap(u.Object, path...); ok && u.GetKind() == "ReplicationController" {
		return labels.SelectorFromSet(m), len(m) > 0
	}
	raw, ok, _ := unstructured.NestedMap(u.Object, path...)
	if !ok {
		return nil, false
	}
	var ls metav1.LabelSelector
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &ls); err != nil {
		return nil, false
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil || sel.Empty() {
		return nil, false
	}
	return sel, true
}

// SelectPods keeps the pods of namespace ns that a workload of the release
// manifest selects, sorted by name, with each container's running digest
// (pure).
func SelectPods(manifest, ns string, pods []corev1.Pod) ([]Pod, error) {
	sels, err := selectors(manifest, ns)
	if err != nil {
		return nil, err
	}
	out := []Pod{}
	for i := range pods {
		p := &pods[i]
		if p.DeletionTimestamp != nil || !selected(sels, p) {
			continue
		}
		out = append(out, podOf(p))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func selected(sels []podSelector, p *corev1.Pod) bool {
	for _, s := range sels {
		if s.pod == p.Name || (s.selector != nil && s.selector.Matches(labels.Set(p.Labels))) {
			return true
		}
	}
	return false
}

func podOf(p *corev1.Pod) Pod {
	out := Pod{Name: p.Name, Phase: string(p.Status.Phase)}
	statuses := map[string]corev1.ContainerStatus{}
	for _, s := range append(append([]corev1.ContainerStatus(nil), p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
		statuses[s.Name] = s
	}
	add := func(cs []corev1.Container, init bool) {
		for _, c := range cs {
			s := statuses[c.Name]
			out.Containers = append(out.Containers, Container{
				Name: c.Name, Init: init, Image: c.Image, ImageID: s.ImageID, Digest: image.RunningDigest(s.ImageID), Ready: s.Ready,
			})
		}
	}
	add(p.Spec.InitContainers, true)
	add(p.Spec.Containers, false)
	return out
}
