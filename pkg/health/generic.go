package health

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

// StandardConditions are the condition types of the generic rule: kstatus'
// own (Reconciling, Stalled, Ready) and the ones most controllers write
// (Available, Progressing, Failed).
var StandardConditions = []string{"Ready", "Available", "Progressing", "Failed", "Reconciling", "Stalled"}

// builtinGroups hold Kubernetes' own kinds: the table's five are judged by
// their rows, the others (Services, ConfigMaps, RBAC, …) are not workloads.
func builtinGroup(group string) bool {
	switch group {
	case "", "apps", "batch", "autoscaling", "policy", "extensions":
		return true
	}
	return strings.HasSuffix(group, ".k8s.io")
}

// Generic reports whether objects of group are judged by the generic rule
// (every kind outside Kubernetes' own groups: custom resources).
func Generic(group string) bool { return !builtinGroup(group) }

// HasStandardStatus reports whether u reports a status the generic rule can
// read: one of StandardConditions or status.observedGeneration. Objects
// without (a custom kind that only holds configuration) are not workloads.
func HasStandardStatus(u *unstructured.Unstructured) bool {
	if _, ok, _ := unstructured.NestedFieldNoCopy(u.Object, "status", "observedGeneration"); ok {
		return true
	}
	for _, t := range StandardConditions {
		if _, ok := conditionOf(u, t); ok {
			return true
		}
	}
	return false
}

// ComputeGeneric is the status of any kind with standard conditions:
// kstatus' generic rules (deletion, observedGeneration behind generation,
// Reconciling=True → in progress, Stalled=True → failed, Ready), then the
// conditions kstatus leaves aside: Failed=True is a certain failure;
// Available=False, or Progressing=True without Ready/Available=True, is
// still progressing.
func ComputeGeneric(u *unstructured.Unstructured) (Status, error) {
	res, err := kstatus.Compute(u)
	if err != nil {
		return Status{}, fmt.Errorf("kstatus %s/%s: %w", u.GetKind(), u.GetName(), err)
	}
	s := Status{Kstatus: string(res.Status), Message: res.Message, State: stateOf(res.Status), Desired: 1}
	for _, c := range res.Conditions {
		if c.Reason != "" {
			s.Reason = c.Reason
			break
		}
	}
	ready, _ := conditionOf(u, "Ready")
	avail, _ := conditionOf(u, "Available")
	set := func(st State, c cond, fallback string) {
		s.State, s.Reason, s.Message = st, c.reason, c.message
		if s.Reason == "" {
			s.Reason = fallback
		}
	}
	if c, ok := conditionOf(u, "Failed"); ok && c.status == "True" && s.State != Failed {
		set(Failed, c, "Failed")
	} else if s.State == Healthy {
		if avail.status == "False" {
			set(Progressing, avail, "NotAvailable")
		} else if c, ok := conditionOf(u, "Progressing"); ok && c.status == "True" && ready.status != "True" && avail.status != "True" {
			set(Progressing, c, "Progressing")
		}
	}
	if s.State == Progressing && s.Reason == "" {
		s.Reason = "InProgress"
	}
	if s.State == Healthy {
		s.Ready = 1
	}
	return s, nil
}

type cond struct{ status, reason, message string }

func conditionOf(u *unstructured.Unstructured, typ string) (cond, bool) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ {
			str := func(k string) string { v, _ := m[k].(string); return v }
			return cond{str("status"), str("reason"), str("message")}, true
		}
	}
	return cond{}, false
}
