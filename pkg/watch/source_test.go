package watch

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestSourceSeesChanges(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client := fake.NewClientset(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns",
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}}}})
	s, err := Start(ctx, client, "ns")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if o := s.Objects(); len(o.Pods) != 1 || o.Pods[0].ManagedFields != nil {
		t.Fatalf("synced cache: %+v", o.Pods)
	}
	drain(s.Changed())
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns"}}
	if _, err := client.AppsV1().Deployments("ns").Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case <-s.Changed():
		case <-ctx.Done():
			t.Fatal("no change notification for a new deployment")
		}
		if o := s.Objects(); len(o.Deployments) == 1 && o.Deployments[0].Name == "web" {
			return
		}
	}
}

func drain(c <-chan struct{}) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}
