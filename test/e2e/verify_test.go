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
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/pkg/verify"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// vpInstall installs the example chart as release st with values-dev.yaml
// through the real helm3 CLI (without --wait: verify-pods does the waiting).
func vpInstall(h *harness.T, extra ...string) {
	h.Helper()
	args := append([]string{"install", "st", h.Example("deploy/helm/stellaops"),
		"-f", h.Example("deploy/helm/stellaops/values-dev.yaml"), "-n", h.Namespace}, extra...)
	h.Must(h.Run(h.Helm3(), args...))
}

func vpSimulate(component, mode string) string {
	return fmt.Sprintf(`--set-json=podAnnotations={"%s":{"stella.test/simulate":"%s"}}`, component, mode)
}

// vpVerify runs kubectl stella verify-pods in the test's namespace.
func vpVerify(h *harness.T, env []string, args ...string) harness.Result {
	h.Helper()
	return h.RunEnv(env, h.Plugin("kubectl-stella"), append([]string{"verify-pods", "-n", h.Namespace}, args...)...)
}

// vpJSON runs verify-pods -o json and decodes its result.
func vpJSON(h *harness.T, args ...string) (*verify.Result, harness.Result) {
	h.Helper()
	r := vpVerify(h, nil, append(args, "-o", "json")...)
	var res verify.Result
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		h.Fatalf("verify-pods -o json (exit %d): %v\nstdout:\n%s\nstderr:\n%s", r.Code, err, r.Stdout, r.Stderr)
	}
	return &res, r
}

func vpWorkload(h *harness.T, res *verify.Result, name string) verify.Workload {
	h.Helper()
	for _, w := range res.Workloads {
		if w.Name == name {
			return w
		}
	}
	h.Fatalf("workload %s not in the result: %+v", name, res.Workloads)
	return verify.Workload{}
}

func vpExpect(h *harness.T, r harness.Result, code int, within time.Duration) {
	h.Helper()
	if r.Code != code {
		h.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.Code, code, r.Stdout, r.Stderr)
	}
	if within > 0 && r.Duration > within {
		h.Fatalf("took %s, want ≤ %s", r.Duration, within)
	}
}

func TestVerifyHealthyRelease(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	vpInstall(h)
	r := vpVerify(h, nil, "st", "--wait", "--timeout", "2m", "--stable-for", "3s")
	vpExpect(h, r, 0, 0)
	if !strings.Contains(r.Stdout, "verdict: HEALTHY") || !strings.Contains(r.Stderr, "Healthy") {
		t.Fatalf("table or progress missing:\nstdout:\n%s\nstderr:\n%s", r.Stdout, r.Stderr)
	}
	res, r := vpJSON(h, "st", "--channel", "edge", "--config", h.Example("deploy/channels.yaml"))
	vpExpect(h, r, 0, 0)
	if res.Verdict != verify.Healthy || len(res.Workloads) != 9 || res.Pins["authority"] == "" {
		t.Fatalf("healthy release: %+v", res)
	}
	if w := vpWorkload(h, res, "st-mongo"); w.Kind != "StatefulSet" || w.Ready != 1 || w.Desired != 1 {
		t.Fatalf("mongo: %+v", w)
	}
	// the same workloads by label, and nothing for another release name
	sel, r := vpJSON(h, "-l", "app.kubernetes.io/instance=st")
	vpExpect(h, r, 0, 0)
	if len(sel.Workloads) != 9 {
		t.Fatalf("by selector: %d workloads", len(sel.Workloads))
	}
	// -A: every namespace, with a NAMESPACE column (other tests' releases
	// named st may be failing, so only this namespace's rows are asserted)
	r = vpVerify(h, nil, "st", "-A")
	if !strings.HasPrefix(r.Stdout, "NAMESPACE ") || strings.Count(r.Stdout, h.Namespace+" ") != 9 {
		t.Fatalf("-A table:\n%s", r.Stdout)
	}
	r = vpVerify(h, nil, "other")
	vpExpect(h, r, 2, 0)
	if !strings.Contains(r.Stderr, "no workloads found for release other") {
		t.Fatalf("unknown release: %s", r.Stderr)
	}
}

// TestVerifyFailFast: each simulated failure is named, with its reason,
// long before the 15-minute timeout.
func TestVerifyFailFast(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ mode, reason string }{
		{"crashloop", "CrashLoopBackOff"},
		{"imagepull", "ImagePullBackOff"},
		{"oomkilled", "OOMKilled"},
	} {
		t.Run(c.mode, func(t *testing.T) {
			t.Parallel()
			h := harness.New(t)
			vpInstall(h, vpSimulate("authority", c.mode))
			res, r := vpJSON(h, "st", "--wait", "--timeout", "15m")
			vpExpect(h, r, 2, 30*time.Second)
			w := vpWorkload(h, res, "st-authority")
			if res.Verdict != verify.Unhealthy || w.State != "Failed" || w.Reason != c.reason || len(w.Findings) == 0 ||
				w.Findings[0].Container != "authority" || !w.Findings[0].Certain || len(w.Findings[0].Events) == 0 {
				t.Fatalf("authority: %+v", w)
			}
			// the Error: line leads with the cause: workload, pod, container, reason
			lead := "Error: deployment/st-authority: pod " + w.Findings[0].Pod + ": container authority: " + c.reason
			if !strings.Contains(r.Stderr, lead) {
				t.Fatalf("the error line must lead with workload, pod, container and reason (%q): %s", lead, r.Stderr)
			}
			t.Logf("%s: verdict in %s", c.mode, r.Duration)
		})
	}
}

func TestVerifyNeverReadyTimesOut(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	vpInstall(h, vpSimulate("notify", "never-ready"))
	r := vpVerify(h, nil, "st", "--wait", "--timeout", "8s")
	vpExpect(h, r, 3, 25*time.Second)
	pods, err := h.Client.CoreV1().Pods(h.Namespace).List(context.Background(), metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=notify"})
	if err != nil || len(pods.Items) != 1 {
		t.Fatalf("notify pods: %v %v", pods, err)
	}
	pod := pods.Items[0].Name
	if !strings.Contains(r.Stderr, "timed out after 8s") || !strings.Contains(r.Stderr, pod+" (NotReady)") {
		t.Fatalf("the timeout must name the not-ready pod %s: %s", pod, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "Readiness probe failed") || !strings.Contains(r.Stdout, "still progressing") {
		t.Fatalf("detail must show the readiness event:\n%s", r.Stdout)
	}
}

func TestVerifyRestartAfterReadyCaughtByStableFor(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	vpInstall(h, vpSimulate("web-ui", "restart-after-ready"))
	res, r := vpJSON(h, "st", "--stable-for", "30s", "--timeout", "2m")
	vpExpect(h, r, 2, 25*time.Second)
	w := vpWorkload(h, res, "st-web-ui")
	if w.Reason != "RestartedDuringCheck" || w.Ready != 1 || !strings.Contains(w.Findings[0].Message, "last exit: Error (exit code 1)") {
		t.Fatalf("web-ui: %+v", w)
	}
	// without a window, a snapshot within 10 s of the restart (last exit
	// non-zero) is RecentlyRestarted, not healthy; waiting, it settles once
	// the container has stayed up 10 s and is healthy
	res, r = vpJSON(h, "st", "-l", "app.kubernetes.io/name=web-ui", "--wait", "--timeout", "60s")
	vpExpect(h, r, 0, 0)
	if res.Verdict != verify.Healthy {
		t.Fatalf("after settling: %+v", res)
	}
	pods, err := h.Client.CoreV1().Pods(h.Namespace).List(context.Background(), metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=web-ui"})
	if err != nil || len(pods.Items) != 1 || len(pods.Items[0].Status.ContainerStatuses) != 1 {
		t.Fatalf("web-ui pods: %v %v", pods, err)
	}
	cs := pods.Items[0].Status.ContainerStatuses[0]
	if up := time.Since(cs.State.Running.StartedAt.Time); cs.RestartCount < 1 || up < health.RestartSettle-time.Second {
		t.Fatalf("healthy although the restarted container was up only %s (restarts %d)", up, cs.RestartCount)
	}
}

func TestVerifyLogsOfCrashingContainer(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	vpInstall(h, vpSimulate("authority", "crashloop"))
	var pod string
	h.Eventually(30*time.Second, "authority pod", func() (bool, error) {
		l, err := h.Client.CoreV1().Pods(h.Namespace).List(context.Background(), metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=authority"})
		if err != nil || len(l.Items) == 0 {
			return false, err
		}
		pod = l.Items[0].Name
		return true, nil
	})
	dir := t.TempDir()
	prev, cur := filepath.Join(dir, "prev.log"), filepath.Join(dir, "cur.log")
	vpWrite(h, prev, "2025-10-26T12:00:00.000000000Z stdout F boot\n2025-10-26T12:00:01.000000000Z stderr F panic: mongo unreachable\n")
	vpWrite(h, cur, "2025-10-26T12:00:02.000000000Z stdout F starting\n")
	vpKwokLogs(h, pod, "authority", cur, prev)
	h.Eventually(30*time.Second, "previous logs in the result", func() (bool, error) {
		res, r := vpJSON(h, "st", "--logs", "--tail", "1")
		if r.Code != 2 {
			return false, fmt.Errorf("exit %d", r.Code)
		}
		f := vpWorkload(h, res, "st-authority").Findings[0]
		return len(f.Logs) == 1 && f.Logs[0] == "panic: mongo unreachable", fmt.Errorf("logs %q", f.Logs)
	})
	r := vpVerify(h, nil, "st", "--logs")
	if !strings.Contains(r.Stdout, "logs       (last 2 lines)\n    boot\n    panic: mongo unreachable") {
		t.Fatalf("table logs:\n%s", r.Stdout)
	}
}

func vpWrite(h *harness.T, path, s string) {
	h.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		h.Fatal(err)
	}
}

// vpKwokLogs points the API server's pod logs of pod/container at local
// files (kwok's Logs CRD).
func vpKwokLogs(h *harness.T, pod, container, cur, prev string) {
	h.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", h.Env.Kubeconfig)
	if err != nil {
		h.Fatal(err)
	}
	dyn := dynamic.NewForConfigOrDie(cfg)
	gvr := schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "logs"}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "Logs",
		"metadata": map[string]any{"name": pod, "namespace": h.Namespace},
		"spec": map[string]any{"logs": []any{map[string]any{
			"containers": []any{container}, "logsFile": cur, "previousLogsFile": prev}}},
	}}
	if _, err := dyn.Resource(gvr).Namespace(h.Namespace).Create(context.Background(), obj, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
}

func TestVerifyFailedJob(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	zero := int32(0)
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "migrate", Labels: map[string]string{"app": "migrate"}},
		Spec: batchv1.JobSpec{BackoffLimit: &zero, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"stella.test/simulate": "fail"}},
			Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
				Containers: []corev1.Container{{Name: "migrate", Image: "registry.example/migrate:1"}}},
		}},
	}
	if _, err := h.Client.BatchV1().Jobs(h.Namespace).Create(context.Background(), job, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	res, r := vpJSON(h, "-l", "app=migrate", "--wait", "--timeout", "15m")
	vpExpect(h, r, 2, 60*time.Second)
	w := vpWorkload(h, res, "migrate")
	if w.Kind != "Job" || w.State != "Failed" || w.Reason != "JobFailed" || len(w.Findings) != 1 || w.Findings[0].Reason != "PodFailed" {
		t.Fatalf("job: %+v", w)
	}
}

func TestVerifyDigestMismatch(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	bad := "sha256:" + strings.Repeat("ab", 32)
	vpInstall(h, "--set", "services.authority.image=registry.stella-ops.org/stellaops/authority:2025.10.0-edge@"+bad)
	manifest := h.Example("deploy/releases/2025.10.0-edge.yaml")
	r := vpVerify(h, nil, "st", "--release-manifest", manifest, "--wait", "--timeout", "2m")
	vpExpect(h, r, 2, 60*time.Second)
	want := "sha256:afca4c4df2dadca510e8695fdcf40e5ea409783e275c66bc4f9a7612a08027c7"
	if !strings.Contains(r.Stdout, "DigestMismatch") || !strings.Contains(r.Stdout, "expected   "+want) || !strings.Contains(r.Stdout, "running    "+bad) {
		t.Fatalf("both digests must be shown:\n%s", r.Stdout)
	}
	res, _ := vpJSON(h, "st", "--release-manifest", manifest)
	for _, w := range res.Workloads {
		if (w.Name == "st-authority") != (w.State == "Failed") {
			t.Fatalf("only authority runs another digest: %+v", w)
		}
	}
}

func TestVerifyBadInput(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	for _, args := range [][]string{
		{"-l", "a in ("}, {"--timeout", "0s"}, {"--release-manifest", "nope.yaml"},
		{"--channel", "nightly", "--config", h.Example("deploy/channels.yaml")}, {"-o", "xml"}, {"a", "b"},
	} {
		r := vpVerify(h, nil, args...)
		if r.Code != 4 || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, want 4 with one line: %q", args, r.Code, r.Stderr)
		}
	}
}
