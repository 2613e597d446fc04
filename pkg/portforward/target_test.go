package portforward

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/kubernetes/scheme"
	sigsyaml "sigs.k8s.io/yaml"
)

func pods(t *testing.T, y string) []corev1.Pod {
	t.Helper()
	var out []corev1.Pod
	if err := sigsyaml.Unmarshal([]byte(y), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadyPod(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"first ready by name", `
- {metadata: {name: web-b}, status: {phase: Running, conditions: [{type: Ready, status: "True"}]}}
- {metadata: {name: web-a}, status: {phase: Running, conditions: [{type: Ready, status: "True"}]}}`, "web-a"},
		{"skips not ready, pending and deleting", `
- {metadata: {name: a}, status: {phase: Running, conditions: [{type: Ready, status: "False"}]}}
- {metadata: {name: b}, status: {phase: Pending}}
- {metadata: {name: c, deletionTimestamp: "2026-01-01T00:00:00Z"}, status: {phase: Running, conditions: [{type: Ready, status: "True"}]}}
- {metadata: {name: d}, status: {phase: Running, conditions: [{type: Ready, status: "True"}]}}`, "d"},
		{"none", `
- {metadata: {name: a}, status: {phase: Failed}}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ReadyPod(pods(t, c.yaml))
			if (got == nil && c.want != "") || (got != nil && got.Name != c.want) {
				t.Fatalf("ready pod = %v, want %q", got, c.want)
			}
		})
	}
}

func TestPorts(t *testing.T) {
	p := pods(t, `
- metadata: {name: web}
  spec:
    containers:
    - {name: app, ports: [{name: http, containerPort: 8440}, {name: metrics, containerPort: 9090}]}`)[0]
	for want, port := range map[int]intstr.IntOrString{8440: intstr.FromString("http"), 9090: intstr.FromString("metrics"), 7000: intstr.FromInt32(7000)} {
		if got, err := ContainerPort(&p, port); err != nil || got != want {
			t.Fatalf("ContainerPort(%v) = %d, %v", port, got, err)
		}
	}
	if _, err := ContainerPort(&p, intstr.FromString("grpc")); err == nil {
		t.Fatal("unknown named port must fail")
	}
	var svc corev1.Service
	if err := sigsyaml.Unmarshal([]byte(`{metadata: {name: s, namespace: ns}, spec: {ports: [{name: http, port: 80, targetPort: http}, {name: tls, port: 443, targetPort: 8443}]}}`), &svc); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"http", "80"} {
		if sp, err := ServicePort(&svc, q); err != nil || sp.TargetPort.StrVal != "http" {
			t.Fatalf("ServicePort(%q) = %+v, %v", q, sp, err)
		}
	}
	if _, err := ServicePort(&svc, ""); err == nil {
		t.Fatal("two ports and none named must fail")
	}
}

func TestResolve(t *testing.T) {
	objs := []runtime.Object{}
	for _, y := range []string{
		`{apiVersion: v1, kind: Service, metadata: {name: web, namespace: ns}, spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}}`,
		`{apiVersion: v1, kind: Service, metadata: {name: bare, namespace: ns}, spec: {selector: {app: web}, ports: [{port: 8080}]}}`,
		`{apiVersion: v1, kind: Pod, metadata: {name: web-1, namespace: ns, labels: {app: web}}, spec: {containers: [{name: c, ports: [{name: http, containerPort: 8440}]}]}, status: {phase: Running, conditions: [{type: Ready, status: "True"}]}}`,
		`{apiVersion: v1, kind: Pod, metadata: {name: web-0, namespace: ns, labels: {app: web}}, spec: {containers: [{name: c}]}, status: {phase: Pending}}`,
	} {
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(mustJSON(t, y), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, obj)
	}
	c := fake.NewSimpleClientset(objs...)
	cases := []struct {
		t    Target
		pod  string
		port int
		err  string
	}{
		{Target{Namespace: "ns", Service: "web", Port: "http"}, "web-1", 8440, ""},
		{Target{Namespace: "ns", Service: "bare"}, "web-1", 8080, ""}, // targetPort defaults to port
		{Target{Namespace: "ns", Selector: map[string]string{"app": "web"}, Port: "http"}, "web-1", 8440, ""},
		{Target{Namespace: "ns", Service: "web", Port: "grpc"}, "", 0, `service ns/web has no port "grpc"`},
		{Target{Namespace: "ns", Selector: map[string]string{"app": "db"}, Port: "5432"}, "", 0, "no ready pod (of 0)"},
	}
	for _, tc := range cases {
		pod, port, err := Resolve(context.Background(), c, tc.t)
		if pod != tc.pod || port != tc.port || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("Resolve(%s) = %q %d %v, want %q %d %q", tc.t, pod, port, err, tc.pod, tc.port, tc.err)
		}
	}
}

func mustJSON(t *testing.T, y string) []byte {
	b, err := sigsyaml.YAMLToJSON([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
