package portforward

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
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
	if err := sigsyaml.Unmarshal([]byte(`{metadata: {name: s, namespace: n}, spec: {ports: [{name: http, port: 80, targetPort: http}, {name: tls, port: 443, targetPort: 8443}]}}`), &svc); err != nil {
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
