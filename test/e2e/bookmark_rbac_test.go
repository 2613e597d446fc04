//go:build e2e

package e2e

import (
	"context"
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

var bmRoleBlock = regexp.MustCompile("(?s)<!-- role:begin -->\\s*```yaml\\n(.*?)```\\s*<!-- role:end -->")

// bmRole is the Role of docs/bookmark.md, as published.
func bmRole(h *harness.T) *rbacv1.Role {
	h.Helper()
	b, err := os.ReadFile(filepath.Join(h.Env.Repo, "docs/bookmark.md"))
	if err != nil {
		h.Fatal(err)
	}
	m := bmRoleBlock.FindSubmatch(b)
	if m == nil {
		h.Fatal("docs/bookmark.md has no role:begin/role:end YAML block")
	}
	var role rbacv1.Role
	if err := yaml.UnmarshalStrict(m[1], &role); err != nil {
		h.Fatalf("documented Role: %v", err)
	}
	return &role
}

// bmSAKubeconfig creates ServiceAccount sa bound to role and writes a
// kubeconfig holding a TokenRequest token for it.
func bmSAKubeconfig(h *harness.T, role *rbacv1.Role) string {
	h.Helper()
	ctx, ns := context.Background(), h.Namespace
	c := h.Client
	if _, err := c.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "bookmarker"}}, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
	if _, err := c.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "bookmarker"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "bookmarker", Namespace: ns}},
	}
	if _, err := c.RbacV1().RoleBindings(ns).Create(ctx, rb, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
	exp := int64(3600)
	tok, err := c.CoreV1().ServiceAccounts(ns).CreateToken(ctx, "bookmarker", &authv1.TokenRequest{Spec: authv1.TokenRequestSpec{ExpirationSeconds: &exp}}, metav1.CreateOptions{})
	if err != nil {
		h.Fatal(err)
	}
	admin, err := clientcmd.LoadFromFile(h.Env.Kubeconfig)
	if err != nil {
		h.Fatal(err)
	}
	cluster := admin.Clusters[admin.Contexts[admin.CurrentContext].Cluster]
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["local"] = cluster
	cfg.AuthInfos["bookmarker"] = &clientcmdapi.AuthInfo{Token: tok.Status.Token}
	cfg.Contexts["bookmarker"] = &clientcmdapi.Context{Cluster: "local", AuthInfo: "bookmarker", Namespace: ns}
	cfg.CurrentContext = "bookmarker"
	path := filepath.Join(h.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		h.Fatal(err)
	}
	return path
}

// without returns role minus verb on resource.
func bmWithout(role *rbacv1.Role, verb, resource string) *rbacv1.Role {
	out := role.DeepCopy()
	for i, r := range out.Rules {
		if !bmHas(r.Resources, resource) {
			continue
		}
		var verbs []string
		for _, v := range r.Verbs {
			if v != verb {
				verbs = append(verbs, v)
			}
		}
		out.Rules[i].Verbs = verbs
	}
	var rules []rbacv1.PolicyRule
	for _, r := range out.Rules {
		if len(r.Verbs) > 0 {
			rules = append(rules, r)
		}
	}
	out.Rules = rules
	return out
}

func bmHas(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func TestBookmarkWithOnlyTheDocumentedRole(t *testing.T) {
	h := harness.New(t)
	bmInstall(h, "stellaops")
	role := bmRole(h)
	kc := bmSAKubeconfig(h, role)
	env := []string{"KUBECONFIG=" + kc}
	r := h.Must(bmRun(h, env, "bookmark", "--name", "sa-1", "-o", "json", "--keep", "5"))
	if !strings.Contains(r.Stdout, `"user": "system:serviceaccount:`+h.Namespace+`:bookmarker"`) {
		t.Errorf("who is not the service account:\n%s", r.Stdout)
	}
	h.Must(bmRun(h, env, "bookmark", "list"))
	h.Must(bmRun(h, env, "bookmark", "show", "sa-1"))
	h.Must(bmRun(h, env, "bookmark", "delete", "sa-1"))

	cases := []struct {
		verb, resource string
		args           []string
	}{
		{"list", "pods", []string{"bookmark", "stellaops"}},
		{"create", "secrets", []string{"bookmark", "stellaops"}},
		{"get", "secrets", []string{"bookmark", "show", "sa-1"}},
	}
	for _, c := range cases {
		reduced := bmWithout(role, c.verb, c.resource)
		if _, err := h.Client.RbacV1().Roles(h.Namespace).Update(context.Background(), reduced, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		want := "forbidden: needs " + c.verb + " on " + c.resource + ` in namespace "` + h.Namespace + `"`
		var last harness.Result
		h.Eventually(10*time.Second, "forbidden "+c.verb+" "+c.resource, func() (bool, error) {
			last = bmRun(h, env, c.args...)
			return last.Code == 1 && strings.Contains(last.Stderr, want), nil
		})
		if strings.Count(last.Stderr, "Error:") != 1 {
			t.Errorf("%s: stderr %q", want, last.Stderr)
		}
		if _, err := h.Client.RbacV1().Roles(h.Namespace).Update(context.Background(), role, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		h.Eventually(10*time.Second, "role restored", func() (bool, error) {
			return bmRun(h, env, "bookmark", "stellaops", "--name", "sa-"+c.verb+"-"+c.resource).Code == 0, nil
		})
	}
}
