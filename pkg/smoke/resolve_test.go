package smoke

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/stella-ops/stella-plugins/pkg/portforward"
)

func TestResolverSharesLookups(t *testing.T) {
	c := fake.NewSimpleClientset(
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns"}, Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": "web"}, Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080)}}}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-0", Namespace: "ns", Labels: map[string]string{"app": "web"}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}},
	)
	var r resolver
	tgt := portforward.Target{Namespace: "ns", Service: "web", Port: "http"}
	for i, fresh := range []bool{false, false, false, true} {
		pod, port, err := r.resolve(context.Background(), c, tgt, fresh)
		if err != nil || pod != "web-0" || port != 8080 {
			t.Fatalf("resolve %d = %q %d %v", i, pod, port, err)
		}
	}
	if n := len(c.Actions()); n != 4 { // get service + list pods, twice: first and fresh
		t.Fatalf("%d API calls, want 4", n)
	}
}
