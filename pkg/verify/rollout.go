package verify

import (
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// rsInMessage finds the ReplicaSet the deployment controller names in the
// Progressing condition ("ReplicaSet \"web-5d8f\" is progressing.",
// "… has successfully progressed.", "Created new replica set \"web-5d8f\"").
var rsInMessage = regexp.MustCompile(`(?i)replica ?set "([^"]+)"`)

// replacedPods names the pods of d that are being replaced, whose failures
// are therefore not certain: every pod while the controller has not
// observed d's latest generation (the new spec will replace them), else the
// pods of ReplicaSets other than the one the Progressing condition names.
// Without that condition every pod counts as current. Pure.
func replacedPods(d *appsv1.Deployment, pods []*corev1.Pod) map[string]bool {
	unobserved := d.Status.ObservedGeneration < d.Generation
	hash := ""
	for _, c := range d.Status.Conditions {
		if c.Type != appsv1.DeploymentProgressing || unobserved {
			continue
		}
		if m := rsInMessage.FindStringSubmatch(c.Message); m != nil {
			hash = strings.TrimPrefix(m[1], d.Name+"-")
		}
	}
	var out map[string]bool // nil (nothing replaced) in the common case
	for _, p := range pods {
		h, ok := p.Labels[appsv1.DefaultDeploymentUniqueLabelKey]
		if unobserved || hash != "" && ok && h != hash {
			if out == nil {
				out = map[string]bool{}
			}
			out[p.Name] = true
		}
	}
	return out
}
