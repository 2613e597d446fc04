package health

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/stella-ops/stella-plugins/pkg/image"
)

// Pins maps a component to the digest it must run (sha256:…). A container
// is matched by its image's name (the last path segment, as align's default
// --match name does), then by its container name.
type Pins map[string]string

// Lookup returns the pin for a container running spec image ref.
func (p Pins) Lookup(container, ref string) (string, bool) {
	if r, err := image.Parse(ref); err == nil {
		if d, ok := p[r.Name()]; ok {
			return d, true
		}
	}
	d, ok := p[container]
	return d, ok
}

// Digests returns a certain DigestMismatch finding for every running
// container of p whose digest differs from its component's pin; source
// names the pins in the message ("" = "expected"). Containers without a
// pin, or not started yet (no imageID, or waiting to be created), are not
// judged. The caller passes only pods of the workload's current template:
// an older template's pod is being replaced and never mismatches for certain.
func Digests(p *corev1.Pod, pins Pins, source string) []Finding {
	if len(pins) == 0 || p.DeletionTimestamp != nil {
		return nil
	}
	if source == "" {
		source = "expected"
	}
	spec := map[string]string{}
	for _, c := range p.Spec.Containers {
		spec[c.Name] = c.Image
	}
	var out []Finding
	for _, cs := range p.Status.ContainerStatuses {
		running := image.RunningDigest(cs.ImageID)
		ref := spec[cs.Name]
		if ref == "" {
			ref = cs.Image
		}
		want, ok := pins.Lookup(cs.Name, ref)
		if !ok || running == "" || running == want || !started(cs) {
			continue
		}
		out = append(out, Finding{
			Pod: p.Name, Container: cs.Name, Reason: "DigestMismatch", Certain: true,
			Message:  fmt.Sprintf("running %s, %s pins %s", running, source, want),
			Expected: want, Running: running,
		})
	}
	return out
}

// started reports whether a container has run: running, terminated, or
// waiting after a previous run (a crash loop keeps its imageID).
func started(cs corev1.ContainerStatus) bool {
	return cs.State.Running != nil || cs.State.Terminated != nil || cs.LastTerminationState.Terminated != nil
}
