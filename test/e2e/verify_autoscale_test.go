//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// asUnschedulable creates Deployment big whose pod requests more CPU than
// any node has (kwok-node-0 has 1000) and returns the pod once the real
// kube-scheduler has marked it Unschedulable, with its PodScheduled
// condition's lastTransitionTime.
func asUnschedulable(h *harness.T) (*corev1.Pod, time.Time) {
	h.Helper()
	ctx := context.Background()
	one, labels := int32(1), map[string]string{"app": "big"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "big", Labels: labels},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "app", Image: "registry.example/big:1",
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("5000")}}}}}}},
	}
	if _, err := h.Client.AppsV1().Deployments(h.Namespace).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
	var pod *corev1.Pod
	var ltt time.Time
	h.Eventually(60*time.Second, "the scheduler to mark the pod Unschedulable", func() (bool, error) {
		pods, err := h.Client.CoreV1().Pods(h.Namespace).List(ctx, metav1.ListOptions{LabelSelector: "app=big"})
		if err != nil || len(pods.Items) != 1 {
			return false, err
		}
		p := &pods.Items[0]
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
				pod, ltt = p, c.LastTransitionTime.Time
				return true, nil
			}
		}
		return false, nil
	})
	return pod, ltt
}

// scaleEvent records an event on pod as cluster-autoscaler's recorder does.
func scaleEvent(h *harness.T, pod *corev1.Pod, reason, msg string, at time.Time) {
	h.Helper()
	e := &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{GenerateName: pod.Name + ".", Namespace: h.Namespace},
		InvolvedObject: corev1.ObjectReference{APIVersion: "v1", Kind: "Pod", Name: pod.Name, Namespace: pod.Namespace,
			UID: pod.UID, ResourceVersion: pod.ResourceVersion},
		Reason: reason, Message: msg, Type: corev1.EventTypeNormal, Count: 1,
		Source:         corev1.EventSource{Component: "cluster-autoscaler"},
		FirstTimestamp: metav1.NewTime(at), LastTimestamp: metav1.NewTime(at),
		ReportingController: "cluster-autoscaler",
	}
	if _, err := h.Client.CoreV1().Events(h.Namespace).Create(context.Background(), e, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
}

// With no autoscaler signal, Unschedulable is still progressing inside
// --unschedulable-grace and certain after it, measured from the PodScheduled
// condition's lastTransitionTime.
func TestVerifyUnschedulableGrace(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	const grace = 8 * time.Second
	_, ltt := asUnschedulable(h)

	res, r := vpJSON(h, "-l", "app=big", "--unschedulable-grace", grace.String())
	if since := time.Since(ltt); since >= grace {
		t.Skipf("the first read came %s after the transition, past the grace: machine too slow for the 'not before' half", since)
	}
	vpExpect(h, r, 2, 0) // one read: not healthy, but not certain
	w := vpWorkload(h, res, "big")
	if w.State != health.Progressing || len(w.Findings) != 1 || w.Findings[0].Reason != "Unschedulable" || w.Findings[0].Certain {
		t.Fatalf("inside the grace: want a still-progressing Unschedulable finding, got %+v", w)
	}

	r = vpVerify(h, nil, "-l", "app=big", "--wait", "--timeout", "90s", "--unschedulable-grace", grace.String())
	end := time.Now()
	vpExpect(h, r, 2, 0)
	if took := end.Sub(ltt); took < grace || took > grace+30*time.Second {
		t.Fatalf("verdict %s after the pod became Unschedulable, want ≥ %s (the grace) and well before the timeout\n%s", took, grace, r.Stdout)
	}
	if !strings.Contains(r.Stdout, "Unschedulable (certain failure)") || !strings.Contains(r.Stdout, "Insufficient cpu") {
		t.Fatalf("the verdict names the pod's reason as certain:\n%s", r.Stdout)
	}
}

// A TriggeredScaleUp event keeps an Unschedulable pod waiting past the
// grace until --timeout (exit 3); a newer NotTriggerScaleUp event, seen by
// the running wait, fails it at once (exit 2) however long the grace.
func TestVerifyUnschedulableScaleUp(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	pod, _ := asUnschedulable(h)
	scaleEvent(h, pod, health.TriggeredScaleUp, "pod triggered scale-up: [{eks-workers-2a-20251026 1->2 (max: 10)}]", time.Now().Add(-5*time.Second))

	r := vpVerify(h, nil, "-l", "app=big", "--wait", "--timeout", "15s", "--unschedulable-grace", "2s")
	vpExpect(h, r, 3, 0)
	if r.Duration < 15*time.Second || !strings.Contains(r.Stdout, "waiting for a new node: cluster-autoscaler TriggeredScaleUp") {
		t.Fatalf("want the timeout (took %s) with the autoscaler's message:\n%s", r.Duration, r.Stdout)
	}

	p := harness.Start(t, h.Kubeconfig, h.Plugin("kubectl-stella"), "verify-pods", "-n", h.Namespace, "-l", "app=big",
		"--wait", "--timeout", "2m", "--unschedulable-grace", "10m")
	time.Sleep(3 * time.Second)
	if p.Ended() {
		t.Fatalf("ended before NotTriggerScaleUp:\n%s\n%s", p.Stdout(), p.Stderr())
	}
	sent := time.Now()
	scaleEvent(h, pod, health.NotTriggerScaleUp, "pod didn't trigger scale-up: 1 max node group size reached", sent)
	if code := p.Wait(t, 30*time.Second); code != 2 {
		t.Fatalf("exit %d, want 2 after NotTriggerScaleUp\n%s\n%s", code, p.Stdout(), p.Stderr())
	}
	if took := time.Since(sent); took > 15*time.Second || !strings.Contains(p.Stdout(), "NotTriggerScaleUp: pod didn't trigger scale-up") {
		t.Fatalf("want a prompt certain failure naming the autoscaler's message (took %s):\n%s", took, p.Stdout())
	}
}
