//go:build e2e

package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

var widgets = schema.GroupVersionResource{Group: "stella.test", Version: "v1", Resource: "widgets"}

// setWidgetStatus writes the Widget's status subresource as its controller
// would: observedGeneration = generation, and the given conditions.
func setWidgetStatus(h *harness.T, dyn dynamic.Interface, name string, conds ...map[string]any) {
	h.Helper()
	ctx := context.Background()
	u, err := dyn.Resource(widgets).Namespace(h.Namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		h.Fatal(err)
	}
	list := []any{}
	for _, c := range conds {
		c["lastTransitionTime"] = time.Now().UTC().Format(time.RFC3339)
		list = append(list, c)
	}
	if err := unstructured.SetNestedField(u.Object, map[string]any{"observedGeneration": u.GetGeneration(), "conditions": list}, "status"); err != nil {
		h.Fatal(err)
	}
	if _, err := dyn.Resource(widgets).Namespace(h.Namespace).UpdateStatus(ctx, u, metav1.UpdateOptions{}); err != nil {
		h.Fatal(err)
	}
}

func cond(typ, status, reason string) map[string]any {
	return map[string]any{"type": typ, "status": status, "reason": reason, "message": typ + " " + reason}
}

// A release holding a CRD (crds/) and a custom resource: the CR is judged by
// kstatus' generic rules from the status the test writes, and a pod it owns
// is tied back to it.
func TestVerifyCustomResource(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	h.Must(h.Run(h.Helm3(), "install", "wd", filepath.Join(h.Env.Repo, "test/e2e/testdata/crdchart"), "-n", h.Namespace))
	cfg, err := clientcmd.BuildConfigFromFlags("", h.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	dyn := dynamic.NewForConfigOrDie(cfg)
	const name = "wd-widget"

	for _, c := range []struct {
		name   string
		conds  []map[string]any
		code   int
		state  health.State
		reason string
	}{
		{"Ready → healthy", []map[string]any{cond("Ready", "True", "Reconciled")}, 0, health.Healthy, ""},
		{"Reconciling → wait", []map[string]any{cond("Reconciling", "True", "Applying")}, 3, health.Progressing, "Applying"},
		{"Progressing → wait", []map[string]any{cond("Progressing", "True", "Rolling")}, 3, health.Progressing, "Rolling"},
		{"Failed → certain", []map[string]any{cond("Failed", "True", "BackendDown"), cond("Ready", "False", "BackendDown")}, 2, health.Failed, "BackendDown"},
		{"Stalled → certain", []map[string]any{cond("Stalled", "True", "InvalidSpec")}, 2, health.Failed, "InvalidSpec"},
	} {
		setWidgetStatus(h, dyn, name, c.conds...)
		res, r := vpJSON(h, "wd", "--wait", "--timeout", "6s")
		if r.Code != c.code {
			t.Fatalf("%s: exit %d, want %d\n%s\n%s", c.name, r.Code, c.code, r.Stdout, r.Stderr)
		}
		w := vpWorkload(h, res, name)
		if w.Kind != "Widget" || w.State != c.state || w.Reason != c.reason {
			t.Fatalf("%s: workload %+v, want Widget %s/%s", c.name, w, c.state, c.reason)
		}
		if c.code == 3 && r.Duration < 6*time.Second {
			t.Fatalf("%s: ended after %s, before the timeout", c.name, r.Duration)
		}
	}

	// a crash-looping pod the Widget controls fails the Widget, named under it
	setWidgetStatus(h, dyn, name, cond("Ready", "True", "Reconciled"))
	u, err := dyn.Resource(widgets).Namespace(h.Namespace).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name + "-0", Namespace: h.Namespace,
		Annotations:     map[string]string{"stella.test/simulate": "crashloop"},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "stella.test/v1", Kind: "Widget", Name: name, UID: u.GetUID(), Controller: &yes}}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example/widget:1"}}}}
	if _, err := h.Client.CoreV1().Pods(h.Namespace).Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	res, r := vpJSON(h, "wd", "--wait", "--timeout", "60s")
	w := vpWorkload(h, res, name)
	if r.Code != 2 || w.State != health.Failed || w.Pods != 1 || len(w.Findings) == 0 || w.Findings[0].Workload != "Widget/"+name ||
		!strings.Contains(w.Findings[0].Reason, "CrashLoopBackOff") {
		t.Fatalf("owned pod: exit %d, workload %+v\n%s", r.Code, w, r.Stderr)
	}
}
