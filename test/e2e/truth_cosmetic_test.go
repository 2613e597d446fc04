//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// cosPromote runs promote of the stable channel without smoke (attrPromote
// with the flags last).
func cosPromote(h *harness.T, values []string, extra ...string) harness.Result {
	h.Helper()
	return attrPromote(h, extra, values...)
}

// cosRow is the table row that starts with key (fields split on blanks).
func cosRow(out, key string) []string {
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == key {
			return f
		}
	}
	return nil
}

// cosEventsOnce fails when an event line (prefix) is printed twice, and
// when none is printed (the check would prove nothing).
func cosEventsOnce(h *harness.T, what, out, prefix string) {
	h.Helper()
	seen, n := map[string]bool{}, 0
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, prefix) {
			continue
		}
		n++
		if seen[l] {
			h.Errorf("%s prints an event twice: %q\n%s", what, l, out)
		}
		seen[l] = true
	}
	if n == 0 {
		h.Errorf("%s prints no event:\n%s", what, out)
	}
}

// The gate and lock refusals' tables say the revision is unchanged (never
// "1 → 0") and that the outcome is a refusal; promote's lock refusal says
// since when and until when, and that a killed holder's pid is gone.
func TestTruthCosmeticRefusalTables(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	truthHelm(h, "install", "values-stage.yaml")
	stage := h.Example("deploy/helm/stellaops/values-stage.yaml")
	raw, err := clientcmd.LoadFromFile(h.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, r harness.Result) {
		t.Helper()
		if r.Code != 5 {
			t.Fatalf("%s: exit %d, want 5\n%s\n%s", what, r.Code, r.Stdout, r.Stderr)
		}
		if rev := strings.Join(cosRow(r.Stdout, "REVISION"), " "); rev != "REVISION 1 (unchanged: no new revision)" || strings.Contains(r.Stdout, "→ 0") {
			t.Errorf("%s table: REVISION row %q\n%s", what, rev, r.Stdout)
		}
		if out := strings.Join(cosRow(r.Stdout, "OUTCOME"), " "); out != "OUTCOME refused" {
			t.Errorf("%s table: OUTCOME row %q\n%s", what, out, r.Stdout)
		}
	}
	gate := raw.CurrentContext + "/" + h.Namespace + "/nope"
	check("gate refusal", cosPromote(h, []string{stage}, "--require-stage", gate))

	a := startLockHolder(t, h, "alice", rbRel, "5m", 0)
	if !a.outcome(t) {
		t.Fatalf("alice refused: %s", a.stderr.String())
	}
	r := cosPromote(h, []string{stage})
	check("lock refusal", r)
	rbWants(h, "lock refusal", r.Stderr, "locked by alice (safe-rollback on ", " since ", " ago); the lock expires at ",
		"or for --lock-timeout if it crashed")
	if strings.Contains(r.Stderr, "no longer running") {
		t.Errorf("a live holder reported gone:\n%s", r.Stderr)
	}
	pid := a.cmd.Process.Pid
	if err := a.cmd.Process.Kill(); err != nil { // our own child, by pid: no release
		t.Fatal(err)
	}
	<-a.exited
	r = cosPromote(h, []string{stage})
	check("dead holder's lock refusal", r)
	rbWants(h, "dead holder's lock refusal", r.Stderr, fmt.Sprintf("pid %d is no longer running on this host", pid), "still honoured until it expires")
	if _, ok := rbHistory(h)[2]; ok {
		t.Errorf("a refusal made a revision")
	}
}

// A finished helm test pod reads 0/1 Completed (not 1/1), healthy.
func TestTruthCosmeticHelmTestPodCompleted(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	truthHelm(h, "install", "values-stage.yaml")
	h.Must(h.Run(h.Helm3(), "test", rbRel, "-n", h.Namespace, "--timeout", "1m"))
	r := h.Run(h.Plugin("kubectl-stella"), "verify-pods", "-n", h.Namespace)
	row := cosRow(r.Stdout, rbRel+"-test-health")
	if r.Code != 0 || strings.Join(row, " ") != rbRel+"-test-health Pod 0/1 Healthy Completed" {
		t.Fatalf("verify-pods: exit %d, test pod row %q\n%s\n%s", r.Code, row, r.Stdout, r.Stderr)
	}
}

// A failed Job's failed pod is a certain failure, never "still
// progressing"; its events are printed once.
func TestTruthCosmeticFailedJobPodCertain(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	zero := int32(0)
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "migrate", Labels: map[string]string{"app": "migrate"}},
		Spec: batchv1.JobSpec{BackoffLimit: &zero, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"stella.test/simulate": "fail"}},
			Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
				Containers: []corev1.Container{{Name: "migrate", Image: "registry.example/migrate:1"}, {Name: "seed", Image: "registry.example/migrate:1"}}},
		}},
	}
	if _, err := h.Client.BatchV1().Jobs(h.Namespace).Create(context.Background(), job, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	r := h.Run(h.Plugin("kubectl-stella"), "verify-pods", "-n", h.Namespace, "-l", "app=migrate", "--wait", "--timeout", "2m")
	if r.Code != 2 || !strings.Contains(r.Stdout, "reason     PodFailed (certain failure)") || strings.Contains(r.Stdout, "still progressing") {
		t.Fatalf("failed Job: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	cosEventsOnce(h, "verify-pods of a failed Job", r.Stdout, "  event ")
}

// A crash-looping promote (an overlay of annotations on values-stage.yaml,
// --no-rollback): its evidence, verify-pods and the journal show each
// event once per finding.
func TestTruthCosmeticEventsOnce(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	truthHelm(h, "install", "values-stage.yaml")
	crash := filepath.Join(h.TempDir(), "crash.yaml")
	if err := os.WriteFile(crash, []byte("podAnnotations:\n  authority:\n    stella.test/simulate: crashloop\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := cosPromote(h, []string{h.Example("deploy/helm/stellaops/values-stage.yaml"), crash}, "--no-rollback")
	if r.Code != 2 || !strings.Contains(r.Stdout, "EVIDENCE") {
		t.Fatalf("crash-looping promote: exit %d, want 2\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	cosEventsOnce(h, "promote evidence", r.Stdout, "  event: ")
	v := h.Run(h.Plugin("kubectl-stella"), "verify-pods", rbRel, "-n", h.Namespace)
	if v.Code != 2 {
		t.Fatalf("verify-pods of the crash loop: exit %d\n%s", v.Code, v.Stdout)
	}
	cosEventsOnce(h, "verify-pods", v.Stdout, "  event ")
	cosTwoContainerCrash(h)
	es := rbEntries(h)
	if len(es) != 1 || len(es[0].Evidence) == 0 {
		t.Fatalf("journal entries %+v", es)
	}
	seen := map[string]bool{}
	for _, ev := range es[0].Evidence {
		for _, e := range ev.Events {
			if seen[ev.Pod+" "+e] {
				t.Errorf("journal evidence repeats pod %s event %q", ev.Pod, e)
			}
			seen[ev.Pod+" "+e] = true
		}
	}
}

// bookmark list says its STATUS is the status at bookmark time, and -A
// lists every namespace's bookmarks with a NAMESPACE column.
func TestTruthCosmeticBookmarkListAll(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	other := h.Namespace + "-b"
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: other, Labels: map[string]string{"stella.test/e2e": "true"}}}
	if _, err := h.Client.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Client.CoreV1().Namespaces().Delete(context.Background(), other, metav1.DeleteOptions{}) })
	ks := h.Plugin("kubectl-stella")
	for _, n := range []string{h.Namespace, other} {
		h.Must(h.Run(h.Helm3(), "install", rbRel, h.Example("deploy/helm/stellaops"), "-n", n,
			"-f", h.Example("deploy/helm/stellaops/values-dev.yaml"), "--wait", "--timeout", "2m"))
		h.Must(h.Run(ks, "bookmark", rbRel, "-n", n, "--name", "mark-"+n))
	}
	one := h.Must(h.Run(ks, "bookmark", "list", "-n", h.Namespace)).Stdout
	if !strings.Contains(one, "STATUS AT BOOKMARK") || !strings.Contains(one, "mark-"+h.Namespace) || strings.Contains(one, "mark-"+other) {
		t.Errorf("bookmark list -n:\n%s", one)
	}
	all := h.Must(h.Run(ks, "bookmark", "list", "-A")).Stdout
	if !strings.HasPrefix(all, "NAMESPACE") || !strings.Contains(all, "STATUS AT BOOKMARK") {
		t.Errorf("bookmark list -A header:\n%s", all)
	}
	for _, n := range []string{h.Namespace, other} {
		if row := cosRow(all, n); len(row) < 3 || row[1] != "mark-"+n || row[2] != rbRel {
			t.Errorf("bookmark list -A row of %s: %q\n%s", n, row, all)
		}
	}
}

// cosTwoContainerCrash: a pod with two crash-looping containers has two
// findings; its events are printed with the first only.
func cosTwoContainerCrash(h *harness.T) {
	h.Helper()
	one := int32(1)
	labels := map[string]string{"app": "pair"}
	c := func(n string) corev1.Container { return corev1.Container{Name: n, Image: "registry.example/pair:1"} }
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "pair", Labels: labels},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: map[string]string{"stella.test/simulate": "crashloop"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{c("a"), c("b")}},
			}},
	}
	if _, err := h.Client.AppsV1().Deployments(h.Namespace).Create(context.Background(), d, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
	r := h.Run(h.Plugin("kubectl-stella"), "verify-pods", "-n", h.Namespace, "-l", "app=pair", "--wait", "--timeout", "2m")
	if r.Code != 2 || strings.Count(r.Stdout, "  container  ") != 2 {
		h.Fatalf("two crash-looping containers: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	cosEventsOnce(h, "verify-pods of a two-container pod", r.Stdout, "  event ")
}
