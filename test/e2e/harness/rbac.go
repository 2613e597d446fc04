package harness

import (
	"context"
	"os"
	"path/filepath"
	"regexp"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/yaml"
)

// DocRole is the Role published in docs/<file> as the YAML block that
// follows the HTML comment <!-- marker -->: tests bind exactly what the
// docs tell operators to grant.
func (h *T) DocRole(file, marker string) *rbacv1.Role {
	h.Helper()
	b, err := os.ReadFile(filepath.Join(h.Env.Repo, "docs", file))
	if err != nil {
		h.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- " + regexp.QuoteMeta(marker) + " -->\\s*```yaml\\n(.*?)```").FindSubmatch(b)
	if m == nil {
		h.Fatalf("docs/%s has no <!-- %s --> YAML block", file, marker)
	}
	var role rbacv1.Role
	if err := yaml.UnmarshalStrict(m[1], &role); err != nil {
		h.Fatalf("docs/%s %s: %v", file, marker, err)
	}
	return &role
}

// ServiceAccountKubeconfig creates ServiceAccount name bound to role in the
// test's namespace and writes a kubeconfig holding a TokenRequest token for it.
func (h *T) ServiceAccountKubeconfig(name string, role *rbacv1.Role) string {
	h.Helper()
	ctx, ns, c := context.Background(), h.Namespace, h.Client
	if _, err := c.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
	if _, err := c.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: name, Namespace: ns}},
	}
	if _, err := c.RbacV1().RoleBindings(ns).Create(ctx, rb, metav1.CreateOptions{}); err != nil {
		h.Fatal(err)
	}
	exp := int64(3600)
	tok, err := c.CoreV1().ServiceAccounts(ns).CreateToken(ctx, name, &authv1.TokenRequest{Spec: authv1.TokenRequestSpec{ExpirationSeconds: &exp}}, metav1.CreateOptions{})
	if err != nil {
		h.Fatal(err)
	}
	admin, err := clientcmd.LoadFromFile(h.Kubeconfig)
	if err != nil {
		h.Fatal(err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["local"] = admin.Clusters[admin.Contexts[admin.CurrentContext].Cluster]
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: tok.Status.Token}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: "local", AuthInfo: name, Namespace: ns}
	cfg.CurrentContext = name
	path := filepath.Join(h.TempDir(), name+".kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		h.Fatal(err)
	}
	return path
}

// WithoutResource removes resource from role's rules (a rule left empty goes).
func WithoutResource(role *rbacv1.Role, resource string) *rbacv1.Role {
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

// WithoutVerb removes verb on resource from role, splitting rules so that
// the other resources of a rule keep every verb.
func WithoutVerb(role *rbacv1.Role, verb, resource string) *rbacv1.Role {
	out := WithoutResource(role, resource)
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
