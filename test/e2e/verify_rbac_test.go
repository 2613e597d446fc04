//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

func TestVerifyServiceAccountRole(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	role := h.DocRole("verify-pods.md", "verify-pods-role")
	kc := h.ServiceAccountKubeconfig("verifier", role)
	env := []string{"KUBECONFIG=" + kc}
	vpInstall(h, vpSimulate("authority", "crashloop"))
	// the documented Role suffices for --wait (watches), events and --logs
	r := vpVerify(h, env, "st", "--wait", "--timeout", "2m", "--logs")
	vpExpect(h, r, 2, 0)
	if !strings.Contains(r.Stdout, "CrashLoopBackOff") || !strings.Contains(r.Stdout, "Back-off restarting failed container") ||
		strings.Contains(r.Stdout, "forbidden") {
		t.Fatalf("with the documented Role:\nstdout:\n%s\nstderr:\n%s", r.Stdout, r.Stderr)
	}
	r = vpVerify(h, env, "st", "-l", "app.kubernetes.io/name=concelier", "--wait", "--timeout", "2m")
	vpExpect(h, r, 0, 0)

	less := harness.WithoutResource(role, "statefulsets")
	if _, err := h.Client.RbacV1().Roles(h.Namespace).Update(context.Background(), less, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	want := `Error: forbidden: needs list on statefulsets.apps in namespace "` + h.Namespace + `"`
	h.Eventually(20*time.Second, "RBAC update to take effect", func() (bool, error) {
		r = vpVerify(h, env, "st")
		return r.Code == 1 && strings.HasPrefix(r.Stderr, want), nil
	})
	if strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 {
		t.Fatalf("one clear line: %q", r.Stderr)
	}

	// --wait needs watch: without it on pods the wait fails with the same clarity
	noWatch := harness.WithoutVerb(role, "watch", "pods")
	if _, err := h.Client.RbacV1().Roles(h.Namespace).Update(context.Background(), noWatch, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	want = `Error: forbidden: needs watch on pods in namespace "` + h.Namespace + `"`
	h.Eventually(20*time.Second, "RBAC update to take effect", func() (bool, error) {
		r = vpVerify(h, env, "st", "-l", "app.kubernetes.io/name=concelier", "--stable-for", "5s", "--timeout", "30s")
		return r.Code == 1 && strings.HasPrefix(r.Stderr, want), fmt.Errorf("exit %d: %s", r.Code, r.Stderr)
	})
}
