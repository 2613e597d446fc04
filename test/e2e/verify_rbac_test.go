//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/yaml"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

var vpRoleBlock = regexp.MustCompile("(?s)<!-- verify-pods-role -->\\s*```yaml\\n(.*?)```")

// vpRole is the Role published in docs/verify-pods.md.
func vpRole(h *harness.T) *rbacv1.Role {
	h.Helper()
	b, err := os.ReadFile(filepath.Join(h.Env.Repo, "docs/verify-pods.md"))
	if err != nil {
		h.Fatal(err)
	}
	m := vpRoleBlock.FindSubmatch(b)
	if m == nil {
		h.Fatal("docs/verify-pods.md has no verify-pods-role YAML block")
	}
	var role rbacv1.Role
	if err := yaml.UnmarshalStrict(m[1], &role); err != nil {
		h.Fatalf("documented Role: %v", err)
	}
	return &role
}

// vpServiceAccount creates ServiceAccount verifier bound to role and writes
// a kubeconfig with a TokenRequest token for it.
func vpServiceAccount(h *harness.T, role *rbacv1.Role) string {
	h.Helper()
	ctx, ns, c := context.Background(), h.Namespace, h.Client
	if _, err := c.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "verifier"}}, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
	if _, err := c.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "verifier"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "verifier", Namespace: ns}},
	}
	if _, err := c.RbacV1().RoleBindings(ns).Create(ctx, rb, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
	exp := int64(3600)
	tok, err := c.CoreV1().ServiceAccounts(ns).CreateToken(ctx, "verifier", &authv1.TokenRequest{Spec: authv1.TokenRequestSpec{ExpirationSeconds: &exp}}, metav1.CreateOptions{})
	if err != nil {
		h.Fatal(err)
	}
	admin, err := clientcmd.LoadFromFile(h.Env.Kubeconfig)
	if err != nil {
		h.Fatal(err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["local"] = admin.Clusters[admin.Contexts[admin.CurrentContext].Cluster]
	cfg.AuthInfos["verifier"] = &clientcmdapi.AuthInfo{Token: tok.Status.Token}
	cfg.Contexts["verifier"] = &clientcmdapi.Context{Cluster: "local", AuthInfo: "verifier", Namespace: ns}
	cfg.CurrentContext = "verifier"
	path := filepath.Join(h.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		h.Fatal(err)
	}
	return path
}

// vpWithout removes resource from role's rules (a rule left empty goes).
func vpWithout(role *rbacv1.Role, resource string) *rbacv1.Role {
	out := role.DeepCopy()
	out.Rules = nil
	for _, r := range role.Rules {
		var res []string
		for _, x := range r.Resources {
			if x != resource {
				res = append(res, x)
			}
		}
		if len(res) > 0 {
			r = *r.DeepCopy()
			r.Resources = res
			out.Rules = append(out.Rules, r)
		}
	}
	return out
}

// vpWithoutVerb removes verb on resource from role, splitting rules as needed.
func vpWithoutVerb(role *rbacv1.Role, verb, resource string) *rbacv1.Role {
	out := vpWithout(role, resource)
	for _, r := range role.Rules {
		for _, x := range r.Resources {
			if x != resource {
				continue
			}
			var verbs []string
			for _, v := range r.Verbs {
				if v != verb {
					verbs = append(verbs, v)
				}
			}
			if len(verbs) > 0 {
				out.Rules = append(out.Rules, rbacv1.PolicyRule{APIGroups: r.APIGroups, Resources: []string{resource}, Verbs: verbs})
			}
		}
	}
	return out
}

func TestVerifyServiceAccountRole(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	role := vpRole(h)
	kc := vpServiceAccount(h, role)
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

	less := vpWithout(role, "statefulsets")
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
	noWatch := vpWithoutVerb(role, "watch", "pods")
	if _, err := h.Client.RbacV1().Roles(h.Namespace).Update(context.Background(), noWatch, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	want = `Error: forbidden: needs watch on pods in namespace "` + h.Namespace + `"`
	h.Eventually(20*time.Second, "RBAC update to take effect", func() (bool, error) {
		r = vpVerify(h, env, "st", "-l", "app.kubernetes.io/name=concelier", "--stable-for", "5s", "--timeout", "30s")
		return r.Code == 1 && strings.HasPrefix(r.Stderr, want), fmt.Errorf("exit %d: %s", r.Code, r.Stderr)
	})
}
