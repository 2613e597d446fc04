//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/stella-ops/stella-plugins/pkg/smoke"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
	"github.com/stella-ops/stella-plugins/test/e2e/standin"
)

// The stable channel of the example deploy tree, as values-prod.yaml deploys it.
const (
	smokeChannel = "stable"
	smokeVersion = "2025.09.2"
)

var smokeServices = []string{"authority", "concelier", "scanner-web", "notify", "web-ui"}

var (
	portForwardGVR = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "portforwards"}
	logsGVR        = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "logs"}
	clusterLogsGVR = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "clusterlogs"}
)

// smokeEnv is an installed example release whose five services are played
// by stand-in servers on 127.0.0.1, reached only through port-forwards
// across the API server (kwok PortForward objects, one per pod).
type smokeEnv struct {
	h       *harness.T
	dyn     dynamic.Interface
	servers map[string]*standin.Server
}

func newSmokeEnv(t *testing.T) *smokeEnv {
	h := harness.New(t)
	cfg, err := clientcmd.BuildConfigFromFlags("", h.Env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	e := &smokeEnv{h: h, dyn: dynamic.NewForConfigOrDie(cfg), servers: map[string]*standin.Server{}}
	h.Must(h.Run(h.Helm3(), "install", "stellaops", h.Example("deploy/helm/stellaops"),
		"-f", h.Example("deploy/helm/stellaops/values-prod.yaml"), "-n", h.Namespace, "--wait", "--timeout", "2m"))
	for i, svc := range smokeServices {
		s, err := standin.Start(svc, smokeVersion, fmt.Sprintf("%07x", 0xabc1230+i), smokeChannel)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		e.servers[svc] = s
		e.forward(svc, s.Port())
	}
	return e
}

// forward points every pod of a component at a local port.
func (e *smokeEnv) forward(component string, port int) {
	h := e.h
	pods, err := h.Client.CoreV1().Pods(h.Namespace).List(context.Background(), metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=" + component})
	if err != nil || len(pods.Items) == 0 {
		h.Fatalf("pods of %s: %v (%d)", component, err, len(pods.Items))
	}
	for _, p := range pods.Items {
		e.apply(portForwardGVR, p.Name, map[string]any{"forwards": []any{
			map[string]any{"target": map[string]any{"address": "127.0.0.1", "port": int64(port)}},
		}})
	}
}

// podLogs makes kwok serve file as the logs of container of pod.
func (e *smokeEnv) podLogs(pod, container, file string) {
	e.apply(logsGVR, pod, map[string]any{"logs": []any{
		map[string]any{"containers": []any{container}, "logsFile": file},
	}})
}

// clusterLogs makes kwok serve file as the logs of container in every pod
// of the test namespace that no Logs object names (the pods of Jobs).
func (e *smokeEnv) clusterLogs(container, file string) {
	name := "smoke-" + e.h.Namespace
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "ClusterLogs", "metadata": map[string]any{"name": name},
		"spec": map[string]any{
			"selector": map[string]any{"matchNamespaces": []any{e.h.Namespace}},
			"logs":     []any{map[string]any{"containers": []any{container}, "logsFile": file}},
		},
	}}
	res := e.dyn.Resource(clusterLogsGVR)
	if _, err := res.Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
		e.h.Fatalf("create clusterlogs: %v", err)
	}
	e.h.Cleanup(func() { _ = res.Delete(context.Background(), name, metav1.DeleteOptions{}) })
}

func (e *smokeEnv) apply(gvr schema.GroupVersionResource, name string, spec map[string]any) {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": map[string]string{"portforwards": "PortForward", "logs": "Logs"}[gvr.Resource],
		"metadata": map[string]any{"name": name, "namespace": e.h.Namespace}, "spec": spec,
	}}
	if _, err := e.dyn.Resource(gvr).Namespace(e.h.Namespace).Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
		e.h.Fatalf("create %s %s: %v", gvr.Resource, name, err)
	}
}

func (e *smokeEnv) reset() {
	for _, s := range e.servers {
		s.Reset(smokeChannel)
	}
}

// suite writes a suite file and returns its path.
func (e *smokeEnv) suite(body string) string {
	p := filepath.Join(e.h.TempDir(), "smoke.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		e.h.Fatal(err)
	}
	return p
}

// smoke runs kubectl stella smoke in the test namespace on the stable channel.
func (e *smokeEnv) smoke(args ...string) harness.Result {
	base := []string{"smoke", "stellaops", "-n", e.h.Namespace, "--channel", smokeChannel, "--config", e.h.Example("deploy/channels.yaml")}
	return e.h.Run(e.h.Plugin("kubectl-stella"), append(base, args...)...)
}

// summary runs smoke -o json and decodes the summary.
func (e *smokeEnv) summary(args ...string) (*smoke.Summary, harness.Result) {
	r := e.smoke(append(args, "-o", "json")...)
	var s smoke.Summary
	if err := json.Unmarshal([]byte(r.Stdout), &s); err != nil {
		e.h.Fatalf("smoke -o json: %v (exit %d)\nstdout:\n%s\nstderr:\n%s", err, r.Code, r.Stdout, r.Stderr)
	}
	return &s, r
}

func result(t *testing.T, s *smoke.Summary, name string) smoke.Result {
	t.Helper()
	for _, r := range s.Results {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result %q in %+v", name, s.Results)
	return smoke.Result{}
}

// httpCheck is one suite entry for service svc.
func httpCheck(name, svc, path, extra string) string {
	return fmt.Sprintf("  - name: %s\n%s    http:\n      service: \"{{ .Release }}-%s\"\n      port: http\n      path: %s\n", name, extra, svc, path)
}

func expectCode(t *testing.T, r harness.Result, code int) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.Code, code, r.Stdout, r.Stderr)
	}
	if code != 0 && strings.Count(r.Stderr, "Error:") != 1 {
		t.Fatalf("want exactly one error line, stderr:\n%s", r.Stderr)
	}
}
