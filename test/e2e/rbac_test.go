//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// The Roles of docs/rbac.md, each bound alone to a ServiceAccount: the
// command works, and with one permission removed it exits 1 with a forbidden
// error naming the verb and the resource. bookmark, verify-pods and the
// positive safe-rollback run have their own tests (bookmark_rbac_test.go,
// verify_rbac_test.go, rollback_guard_test.go); TestRBACDocsAgree keeps
// those copies equal to docs/rbac.md.

func TestRBACDocsAgree(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	if got, want := h.DocRole("rbac.md", "rbac:bookmark"), h.DocRole("bookmark.md", "role:begin"); !reflect.DeepEqual(got.Rules, want.Rules) {
		t.Errorf("bookmark: docs/rbac.md %+v != docs/bookmark.md %+v", got.Rules, want.Rules)
	}
	if got, want := h.DocRole("rbac.md", "rbac:verify-pods"), h.DocRole("verify-pods.md", "verify-pods-role"); !reflect.DeepEqual(got.Rules, want.Rules) {
		t.Errorf("verify-pods: docs/rbac.md %+v != docs/verify-pods.md %+v", got.Rules, want.Rules)
	}
	sr := h.DocRole("safe-rollback.md", "role:begin")
	if got := h.DocRole("rbac.md", "rbac:safe-rollback"); !reflect.DeepEqual(got.Rules, sr.Rules) {
		t.Errorf("safe-rollback: docs/rbac.md %+v != docs/safe-rollback.md %+v", got.Rules, sr.Rules)
	}
}

// rbacForbidden swaps the bound Role for role minus verb on resource, runs
// run until the change is visible, asserts exit 1 with one forbidden error
// naming both, and restores the Role.
func rbacForbidden(h *harness.T, role *rbacv1.Role, verb, resource string, run func() harness.Result) harness.Result {
	h.Helper()
	ctx := context.Background()
	if _, err := h.Client.RbacV1().Roles(h.Namespace).Update(ctx, harness.WithoutVerb(role, verb, resource), metav1.UpdateOptions{}); err != nil {
		h.Fatal(err)
	}
	var last harness.Result
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		last = run()
		if last.Code == 1 && strings.Contains(last.Stderr, "forbidden") {
			break
		}
		if time.Now().After(deadline) {
			h.Fatalf("without %s %s: exit %d, want 1 forbidden\nstdout:\n%s\nstderr:\n%s", verb, resource, last.Code, last.Stdout, last.Stderr)
		}
	}
	low := strings.ToLower(last.Stderr)
	if !strings.Contains(low, verb) || !strings.Contains(low, resource) || strings.Count(last.Stderr, "Error:") != 1 {
		h.Errorf("without %s %s: stderr does not name both once:\n%s", verb, resource, last.Stderr)
	}
	if _, err := h.Client.RbacV1().Roles(h.Namespace).Update(ctx, role, metav1.UpdateOptions{}); err != nil {
		h.Fatal(err)
	}
	return last
}

func TestRBACJournal(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	role := h.DocRole("rbac.md", "rbac:journal")
	env := []string{"KUBECONFIG=" + h.ServiceAccountKubeconfig("bookmarker", role)}
	run := func() harness.Result {
		return h.RunEnv(env, h.Plugin("kubectl-stella"), "journal", "stellaops", "-o", "json")
	}
	h.Must(run())
	rbacForbidden(h, role, "list", "configmaps", run)
}

func TestRBACSmoke(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbHelm(h, true)
	suite := filepath.Join(t.TempDir(), "smoke.yaml")
	if err := os.WriteFile(suite, []byte("release: stellaops\ntimeout: 20s\nchecks:\n  - name: endpoints\n    endpoints: {min: 1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	role := h.DocRole("rbac.md", "rbac:smoke")
	env := []string{"KUBECONFIG=" + h.ServiceAccountKubeconfig("bookmarker", role)}
	run := func() harness.Result {
		return h.RunEnv(env, h.Plugin("kubectl-stella"), "smoke", "stellaops", "-f", suite, "--timeout", "30s")
	}
	h.Must(run())
	rbacForbidden(h, role, "list", "endpointslices", run)
}

// rbacPromoteArgs promotes the example chart with the staging values in the
// harness namespace, smoke = the endpoints suite.
func rbacPromoteArgs(h *harness.T, suite string, extra ...string) []string {
	return append([]string{"promote", "stellaops", h.Example("deploy/helm/stellaops"),
		"-f", h.Example("deploy/helm/stellaops/values-stage.yaml"), "--config", h.Example("deploy/channels.yaml"),
		"--channel", "stable", "--smoke-suite", suite, "--lock-timeout", "30s", "--timeout", "2m"}, extra...)
}

func TestRBACPromote(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	suite := filepath.Join(t.TempDir(), "smoke.yaml")
	if err := os.WriteFile(suite, []byte("release: stellaops\ntimeout: 20s\nchecks:\n  - name: endpoints\n    endpoints: {min: 1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	role := h.DocRole("rbac.md", "rbac:promote")
	env := []string{"KUBECONFIG=" + h.ServiceAccountKubeconfig("bookmarker", role)}
	run := func(extra ...string) harness.Result {
		return h.RunEnv(env, h.Plugin("helm-stella"), rbacPromoteArgs(h, suite, extra...)...)
	}
	h.Must(run())                  // first install
	r := h.Must(run("-o", "json")) // upgrade: bookmark, journal, lock, verify, smoke
	var res struct{ Outcome string }
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || res.Outcome != "succeeded" {
		t.Fatalf("promote as the ServiceAccount: %v %+v\n%s", err, res, r.Stderr)
	}
	before := len(rbHistory(h))
	rbacForbidden(h, role, "create", "leases", func() harness.Result { return run() })
	if after := len(rbHistory(h)); after != before {
		t.Errorf("a refused promote changed the release: %d → %d revisions", before, after)
	}
	h.Must(run()) // the Role restored: promote works again
}

func TestRBACSafeRollbackForbidden(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	role := h.DocRole("rbac.md", "rbac:safe-rollback")
	env := []string{"KUBECONFIG=" + h.ServiceAccountKubeconfig("bookmarker", role)}
	rbHelm(h, true)
	rbHelm(h, true, "--set-json", rbNote)
	run := func() harness.Result {
		return h.RunEnv(env, h.Plugin("helm-stella"), "safe-rollback", rbRel, "-n", h.Namespace, "--timeout", "1m", "--reason", "rbac")
	}
	rbacForbidden(h, role, "create", "configmaps", run)
	if n := len(rbHistory(h)); n != 2 {
		t.Errorf("a refused safe-rollback changed the release: %d revisions", n)
	}
	rbLockFree(h)
	h.Must(run()) // restored Role: the rollback proceeds
	if hist := rbHistory(h); hist[3].Status != "deployed" {
		t.Errorf("history = %+v", hist)
	}
}
