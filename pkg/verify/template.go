package verify

import (
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/stella-ops/stella-plugins/pkg/image"
)

// Labels the controllers add to a pod that are not in the template.
var controllerLabels = map[string]bool{
	appsv1.DefaultDeploymentUniqueLabelKey: true, // pod-template-hash
	appsv1.ControllerRevisionHashLabelKey:  true, // controller-revision-hash
	appsv1.StatefulSetPodNameLabel:         true,
	appsv1.PodIndexLabel:                   true,
	"pod-template-generation":              true, // DaemonSet
}

// templateOf returns a controller's current pod template and the label
// naming a pod's revision; nil for kinds without one (Jobs, bare pods).
func templateOf(obj runtime.Object) (*corev1.PodTemplateSpec, string) {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return &o.Spec.Template, appsv1.DefaultDeploymentUniqueLabelKey
	case *appsv1.StatefulSet:
		return &o.Spec.Template, appsv1.ControllerRevisionHashLabelKey
	case *appsv1.DaemonSet:
		return &o.Spec.Template, appsv1.ControllerRevisionHashLabelKey
	}
	return nil, ""
}

// outdatedPods names the pods of a workload that are not known to belong to
// its current pod template: their failures are never certain and their
// digests are not judged, since the rollout is replacing them (a rollback
// away from a crash loop, or to other digests). Pure: it compares the pod
// specs with the template, both already listed.
//
// A pod is outdated when a template container (init or regular) is missing
// from it or runs another image, command or args, or when a template label
// or annotation is missing or differs. Pods that pass are grouped by their
// revision label (pod-template-hash, controller-revision-hash); when several
// groups pass (the templates differ in something the pod may carry extra,
// such as an annotation the new template removed), a group whose extra
// labels and annotations strictly include another passing group's is
// outdated, and if more than one group still remains none is known current.
func outdatedPods(obj runtime.Object, pods []*corev1.Pod) map[string]bool {
	tmpl, revLabel := templateOf(obj)
	if tmpl == nil || len(pods) == 0 {
		return nil
	}
	var out map[string]bool // nil (nothing outdated) in the common case
	mark := func(p *corev1.Pod) {
		if out == nil {
			out = map[string]bool{}
		}
		out[p.Name] = true
	}
	groups := map[string][]*corev1.Pod{}
	for _, p := range pods {
		if !ofTemplate(tmpl, p) {
			mark(p)
			continue
		}
		groups[p.Labels[revLabel]] = append(groups[p.Labels[revLabel]], p)
	}
	if len(groups) < 2 {
		return out
	}
	extra := map[string][]string{}
	for rev, ps := range groups {
		extra[rev] = foreignKeys(tmpl, ps)
	}
	current := ""
	for rev := range groups {
		if minimal(rev, extra) {
			if current != "" { // ambiguous: no group is known current
				current = "\x00"
			} else {
				current = rev
			}
		}
	}
	for rev, ps := range groups {
		if rev != current {
			for _, p := range ps {
				mark(p)
			}
		}
	}
	return out
}

// minimal reports whether no other group's extra keys are a strict subset
// of rev's.
func minimal(rev string, extra map[string][]string) bool {
	for other, keys := range extra {
		if other != rev && len(keys) < len(extra[rev]) && subset(keys, extra[rev]) {
			return false
		}
	}
	return true
}

func subset(a, b []string) bool {
	for _, k := range a {
		if !slices.Contains(b, k) {
			return false
		}
	}
	return true
}

// foreignKeys are the label and annotation keys the pods carry that the
// template does not (controller labels aside), sorted, without duplicates.
func foreignKeys(tmpl *corev1.PodTemplateSpec, pods []*corev1.Pod) []string {
	var keys []string
	for _, p := range pods {
		for k := range p.Labels {
			if _, ok := tmpl.Labels[k]; !ok && !controllerLabels[k] {
				keys = append(keys, "label:"+k)
			}
		}
		for k := range p.Annotations {
			if _, ok := tmpl.Annotations[k]; !ok {
				keys = append(keys, "annotation:"+k)
			}
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// ofTemplate reports whether p can have been created from tmpl: every
// template container with the same image, command and args, every template
// label and annotation with the same value. Containers, labels and
// annotations added to the pod (admission, sidecars) are allowed.
func ofTemplate(tmpl *corev1.PodTemplateSpec, p *corev1.Pod) bool {
	for k, v := range tmpl.Labels {
		if got, ok := p.Labels[k]; !ok || got != v {
			return false
		}
	}
	for k, v := range tmpl.Annotations {
		if got, ok := p.Annotations[k]; !ok || got != v {
			return false
		}
	}
	return containersOf(tmpl.Spec.Containers, p.Spec.Containers) &&
		containersOf(tmpl.Spec.InitContainers, p.Spec.InitContainers)
}

func containersOf(want, have []corev1.Container) bool {
	for _, w := range want {
		i := slices.IndexFunc(have, func(c corev1.Container) bool { return c.Name == w.Name })
		if i < 0 {
			return false
		}
		h := have[i]
		if !SameImage(w.Image, h.Image) || !slices.Equal(w.Command, h.Command) || !slices.Equal(w.Args, h.Args) {
			return false
		}
	}
	return true
}

// SameImage reports whether a pod's image can be the template's: equal
// strings, or (an admission webhook rewrote the registry or resolved the
// tag) the same last path segment with equal digests when both are pinned,
// else equal tags.
func SameImage(tmpl, pod string) bool {
	if tmpl == pod {
		return true
	}
	t, err1 := image.Parse(tmpl)
	p, err2 := image.Parse(pod)
	if err1 != nil || err2 != nil || t.Name() != p.Name() {
		return false
	}
	if t.Digest != "" && p.Digest != "" {
		return t.Digest == p.Digest
	}
	return t.Digest == "" && t.Tag == p.Tag
}
