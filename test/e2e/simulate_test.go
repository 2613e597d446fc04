//go:build e2e

package e2e

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

const pinned = "registry.example/team/app:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func simPod(name, mode, image string, restart corev1.RestartPolicy) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			RestartPolicy: restart,
			Containers:    []corev1.Container{{Name: "app", Image: image}},
		},
	}
	if mode != "" {
		p.Annotations = map[string]string{"stella.test/simulate": mode}
	}
	return p
}

func ready(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// TestSimulatedFailures proves that each kwok simulation produces exactly
// the pod state it claims, read back through the API server.
func TestSimulatedFailures(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	cases := []struct {
		mode    string
		restart corev1.RestartPolicy
		check   func(p *corev1.Pod) (bool, error)
	}{
		{"crashloop", corev1.RestartPolicyAlways, func(p *corev1.Pod) (bool, error) {
			cs := status(p)
			if cs == nil || cs.State.Waiting == nil || cs.State.Waiting.Reason != "CrashLoopBackOff" || ready(p) {
				return false, fmt.Errorf("not crash looping: %+v", cs)
			}
			return cs.RestartCount >= 3 && cs.LastTerminationState.Terminated != nil && cs.LastTerminationState.Terminated.ExitCode == 1, fmt.Errorf("restarts %d", cs.RestartCount)
		}},
		{"imagepull", corev1.RestartPolicyAlways, func(p *corev1.Pod) (bool, error) {
			cs := status(p)
			ok := cs != nil && cs.State.Waiting != nil && cs.State.Waiting.Reason == "ImagePullBackOff" && p.Status.Phase == corev1.PodPending
			return ok, fmt.Errorf("phase %s status %+v", p.Status.Phase, cs)
		}},
		{"oomkilled", corev1.RestartPolicyAlways, func(p *corev1.Pod) (bool, error) {
			cs := status(p)
			ok := cs != nil && cs.LastTerminationState.Terminated != nil &&
				cs.LastTerminationState.Terminated.Reason == "OOMKilled" && cs.LastTerminationState.Terminated.ExitCode == 137 && cs.RestartCount >= 2
			return ok, fmt.Errorf("status %+v", cs)
		}},
		{"fail", corev1.RestartPolicyNever, func(p *corev1.Pod) (bool, error) {
			return p.Status.Phase == corev1.PodFailed, fmt.Errorf("phase %s", p.Status.Phase)
		}},
	}
	h := harness.New(t)
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			t.Parallel()
			p := create(h, simPod("sim-"+c.mode, c.mode, "registry.example/app:1", c.restart))
			h.Eventually(40*time.Second, c.mode, func() (bool, error) { return c.check(get(h, p.Name)) })
		})
	}
	t.Run("never-ready", func(t *testing.T) {
		t.Parallel()
		p := create(h, simPod("sim-never-ready", "never-ready", "registry.example/app:1", corev1.RestartPolicyAlways))
		h.Eventually(20*time.Second, "running", func() (bool, error) { return get(h, p.Name).Status.Phase == corev1.PodRunning, nil })
		time.Sleep(6 * time.Second)
		if got := get(h, p.Name); ready(got) || status(got) == nil || status(got).Ready {
			t.Fatalf("never-ready pod became ready: %+v", got.Status)
		}
	})
	t.Run("restart-after-ready", func(t *testing.T) {
		t.Parallel()
		p := create(h, simPod("sim-restart", "restart-after-ready", "registry.example/app:1", corev1.RestartPolicyAlways))
		h.Eventually(20*time.Second, "ready with 0 restarts", func() (bool, error) {
			g := get(h, p.Name)
			return ready(g) && status(g) != nil && status(g).RestartCount == 0, nil
		})
		h.Eventually(20*time.Second, "one restart after ready", func() (bool, error) {
			cs := status(get(h, p.Name))
			return cs != nil && cs.RestartCount == 1 && cs.LastTerminationState.Terminated != nil, fmt.Errorf("%+v", cs)
		})
	})
	t.Run("ready-again-after-node-not-ready", func(t *testing.T) {
		t.Parallel()
		p := create(h, simPod("sim-ready-again", "", "registry.example/app:1", corev1.RestartPolicyAlways))
		h.Eventually(20*time.Second, "ready", func() (bool, error) { return ready(get(h, p.Name)), nil })
		// what the node lifecycle controller does to every pod of a node whose
		// heartbeats stopped (MarkPodsNotReady): only the Ready condition
		g := get(h, p.Name)
		for i, c := range g.Status.Conditions {
			if c.Type == corev1.PodReady {
				g.Status.Conditions[i].Status, g.Status.Conditions[i].LastTransitionTime = corev1.ConditionFalse, metav1.Now()
			}
		}
		if _, err := h.Client.CoreV1().Pods(h.Namespace).UpdateStatus(context.Background(), g, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		if ready(get(h, p.Name)) {
			t.Fatal("the status update did not make the pod NotReady")
		}
		h.Eventually(15*time.Second, "ready again", func() (bool, error) { return ready(get(h, p.Name)), nil })
	})
}

// TestHealthyImageID asserts the documented imageID rule of healthy pods.
func TestHealthyImageID(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	tagged := "registry.example:5000/team/web:2.1"
	want := map[string]string{
		pinned: "registry.example/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		tagged: fmt.Sprintf("registry.example:5000/team/web@sha256:%x", sha256.Sum256([]byte(tagged))),
	}
	i := 0
	for image, id := range want {
		i++
		p := create(h, simPod(fmt.Sprintf("healthy-%d", i), "", image, corev1.RestartPolicyAlways))
		h.Eventually(20*time.Second, "ready", func() (bool, error) {
			g := get(h, p.Name)
			return ready(g) && status(g).ImageID == id, fmt.Errorf("imageID %q, want %q", status(g).ImageID, id)
		})
	}
}

func create(h *harness.T, p *corev1.Pod) *corev1.Pod {
	h.Helper()
	out, err := h.Client.CoreV1().Pods(h.Namespace).Create(context.Background(), p, metav1.CreateOptions{})
	if err != nil {
		h.Fatalf("create pod: %v", err)
	}
	return out
}

func get(h *harness.T, name string) *corev1.Pod {
	h.Helper()
	p, err := h.Client.CoreV1().Pods(h.Namespace).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		h.Fatalf("get pod: %v", err)
	}
	return p
}

func status(p *corev1.Pod) *corev1.ContainerStatus {
	if len(p.Status.ContainerStatuses) == 0 {
		return &corev1.ContainerStatus{}
	}
	return &p.Status.ContainerStatuses[0]
}
