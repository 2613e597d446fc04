package health

import (
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

func jobOf(t *testing.T, u *unstructured.Unstructured) *batchv1.Job {
	t.Helper()
	j := &batchv1.Job{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, j); err != nil {
		t.Fatal(err)
	}
	j.TypeMeta = metav1.TypeMeta{} // as LIST items arrive
	return j
}

func podOf(t *testing.T, doc string) *corev1.Pod {
	t.Helper()
	p := &corev1.Pod{}
	if err := yaml.UnmarshalStrict([]byte(doc), p); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return p
}
