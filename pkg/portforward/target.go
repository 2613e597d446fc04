package portforward

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
)

// Target is what to reach: a Service and one of its ports (number or name),
// or a label selector and a container port (number or name).
type Target struct {
	Namespace string
	Service   string
	Selector  map[string]string
	Port      string
}

// String names the target for messages.
func (t Target) String() string {
	if t.Service != "" {
		return fmt.Sprintf("service %s/%s port %s", t.Namespace, t.Service, t.Port)
	}
	return fmt.Sprintf("pods %s{%s} port %s", t.Namespace, labels.Set(t.Selector), t.Port)
}

// Resolve finds a ready pod of t and the container port to forward to.
func Resolve(ctx context.Context, c kubernetes.Interface, t Target) (pod string, port int, err error) {
	sel, want := labels.Set(t.Selector).AsSelector(), intstr.Parse(t.Port)
	if t.Service != "" {
		svc, err := c.CoreV1().Services(t.Namespace).Get(ctx, t.Service, metav1.GetOptions{})
		if err != nil {
			return "", 0, fmt.Errorf("%s: %w", t, err)
		}
		sp, err := ServicePort(svc, t.Port)
		if err != nil {
			return "", 0, err
		}
		if len(svc.Spec.Selector) == 0 {
			return "", 0, fmt.Errorf("%s: service has no selector", t)
		}
		sel, want = labels.Set(svc.Spec.Selector).AsSelector(), sp.TargetPort
		if want.Type == intstr.Int && want.IntVal == 0 {
			want = intstr.FromInt32(sp.Port)
		}
	}
	pods, err := c.CoreV1().Pods(t.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return "", 0, fmt.Errorf("%s: list pods: %w", t, err)
	}
	p := ReadyPod(pods.Items)
	if p == nil {
		return "", 0, fmt.Errorf("%s: no ready pod (of %d)", t, len(pods.Items))
	}
	port, err = ContainerPort(p, want)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", t, err)
	}
	return p.Name, port, nil
}

// ServicePort finds a port of svc by number or name; "" picks the only one.
func ServicePort(svc *corev1.Service, port string) (corev1.ServicePort, error) {
	for _, p := range svc.Spec.Ports {
		if port == "" && len(svc.Spec.Ports) == 1 || p.Name == port || strconv.Itoa(int(p.Port)) == port {
			return p, nil
		}
	}
	if port == "" {
		return corev1.ServicePort{}, fmt.Errorf("service %s/%s has %d ports: name one (http.port)", svc.Namespace, svc.Name, len(svc.Spec.Ports))
	}
	return corev1.ServicePort{}, fmt.Errorf("service %s/%s has no port %q", svc.Namespace, svc.Name, port)
}

// ReadyPod picks, deterministically, a running Ready pod not being deleted.
func ReadyPod(pods []corev1.Pod) *corev1.Pod {
	var ready []*corev1.Pod
	for i := range pods {
		p := &pods[i]
		if p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning && isReady(p) {
			ready = append(ready, p)
		}
	}
	if len(ready) == 0 {
		return nil
	}
	sort.Slice(ready, func(i, j int) bool { return ready[i].Name < ready[j].Name })
	return ready[0]
}

func isReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// ContainerPort resolves a numeric or named port on pod p.
func ContainerPort(p *corev1.Pod, want intstr.IntOrString) (int, error) {
	if want.Type == intstr.Int {
		if want.IntVal <= 0 {
			return 0, fmt.Errorf("pod %s: no port given", p.Name)
		}
		return int(want.IntVal), nil
	}
	for _, c := range p.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == want.StrVal {
				return int(cp.ContainerPort), nil
			}
		}
	}
	return 0, fmt.Errorf("pod %s has no container port named %q", p.Name, want.StrVal)
}
