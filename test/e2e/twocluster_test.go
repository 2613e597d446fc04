//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// twoClusters is staging on the shared control plane (cluster A) and
// production on a second, independent one (cluster B), behind the
// contexts "stage" and "prod" of one kubeconfig.
type twoClusters struct {
	*promoteEnv
	b          *harness.T // prod namespace on cluster B
	kubeconfig string     // both contexts with their credentials and CAs
	bare       string     // both contexts with neither credentials nor CAs
}

func newTwoClusters(t *testing.T) *twoClusters {
	e := &promoteEnv{h: harness.New(t), dir: t.TempDir()}
	second := harness.StartSecond(t)
	c := &twoClusters{promoteEnv: e, b: harness.NewOn(t, second.Kubeconfig)}
	e.prod = c.b.Namespace
	e.stageVals = e.h.Example("deploy/helm/stellaops/values-stage.yaml")
	e.prodVals = e.h.Example("deploy/helm/stellaops/values-prod.yaml")
	e.suite = e.write("smoke.yaml", "release: stellaops\ntimeout: 20s\nchecks:\n  - name: endpoints\n    endpoints: {min: 1}\n")
	c.kubeconfig = c.merge(t, e.h.Kubeconfig, second.Kubeconfig, false)
	c.bare = c.merge(t, e.h.Kubeconfig, second.Kubeconfig, true)
	e.kubeconfig = c.kubeconfig
	return c
}

// merge writes a kubeconfig with the contexts stage (cluster A, the
// staging namespace) and prod (cluster B); bare drops every credential
// and CA, so only the caller's flags and HELM_* variables can connect.
func (c *twoClusters) merge(t *testing.T, a, b string, bare bool) string {
	out := clientcmdapi.NewConfig()
	for _, s := range []struct{ name, path, ns string }{{"stage", a, c.h.Namespace}, {"prod", b, c.prod}} {
		raw, err := clientcmd.LoadFromFile(s.path)
		if err != nil {
			t.Fatal(err)
		}
		ctx := raw.Contexts[raw.CurrentContext]
		cluster, user := *raw.Clusters[ctx.Cluster], *raw.AuthInfos[ctx.AuthInfo]
		if bare {
			cluster.CertificateAuthorityData, user = nil, clientcmdapi.AuthInfo{}
		}
		out.Clusters[s.name], out.AuthInfos[s.name] = &cluster, &user
		out.Contexts[s.name] = &clientcmdapi.Context{Cluster: s.name, AuthInfo: s.name, Namespace: s.ns}
	}
	out.CurrentContext = "prod"
	name := "kubeconfig"
	if bare {
		name = "kubeconfig-bare"
	}
	path := filepath.Join(c.dir, name)
	if err := clientcmd.WriteToFile(*out, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// prodRevision is the prod release's revision on cluster B (0: none).
func (c *twoClusters) prodRevision() int {
	r := c.h.RunEnv([]string{"KUBECONFIG=" + c.kubeconfig}, c.h.Helm3(), "status", "stellaops", "--kube-context", "prod", "-n", c.prod, "-o", "json")
	if r.Code != 0 {
		return 0
	}
	var s helmStatus
	if err := json.Unmarshal([]byte(r.Stdout), &s); err != nil {
		c.h.Fatal(err)
	}
	return s.Version
}

func TestTwoClusters(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	c := newTwoClusters(t)
	stage := c.h.Namespace
	gate := "stage/" + stage + "/stellaops"

	expectExit(t, c.promote("stage", c.stageVals), 0, "staging first install on cluster A")
	expectExit(t, c.promote("stage", c.stageVals), 0, "staging promote on cluster A")

	refused := func(what string, want string, extra ...string) {
		t.Helper()
		before := c.prodRevision()
		r := c.promote("prod", c.prodVals, append([]string{"--require-stage", gate}, extra...)...)
		expectExit(t, r, 5, what)
		if !strings.Contains(r.Stdout+r.Stderr, want) {
			t.Fatalf("%s: refusal lacks %q:\n%s\n%s", what, want, r.Stdout, r.Stderr)
		}
		if after := c.prodRevision(); after != before {
			t.Fatalf("%s: prod on cluster B changed %d → %d", what, before, after)
		}
	}

	// A runs other digests (a plain helm upgrade, outside promote).
	other := c.values("other.yaml", "", "sha256:de65905c", "sha256:11111111")
	c.h.Must(c.h.Run(c.h.Helm3(), "upgrade", "stellaops", c.h.Example("deploy/helm/stellaops"), "-n", stage, "-f", other))
	refused("other digests on A", "changed since the last promote")
	expectExit(t, c.promote("stage", c.stageVals), 0, "staging promoted back on cluster A")

	// A unhealthy with the right digests: a pod template edited behind Helm's back.
	crash := `{"spec":{"template":{"metadata":{"annotations":{"stella.test/simulate":"crashloop"}}}}}`
	c.h.Must(c.h.Run(c.h.Kubectl(), "-n", stage, "patch", "deployment", "stellaops-authority", "-p", crash))
	c.h.Eventually(60*time.Second, "authority crash-looping on A", func() (bool, error) {
		r := c.h.Run(c.h.Kubectl(), "-n", stage, "get", "pods", "-o", "jsonpath={.items[*].status.containerStatuses[*].restartCount}")
		return strings.ContainsAny(strings.ReplaceAll(r.Stdout, "0", ""), "123456789"), nil
	})
	refused("unhealthy A", "not healthy")
	heal := `{"spec":{"template":{"metadata":{"annotations":{"stella.test/simulate":null}}}}}`
	c.h.Must(c.h.Run(c.h.Kubectl(), "-n", stage, "patch", "deployment", "stellaops-authority", "-p", heal))
	c.h.Must(c.h.Run(c.h.Kubectl(), "-n", stage, "rollout", "status", "deployment/stellaops-authority", "--timeout", "60s"))

	refused("soak not yet served", "--soak needs 1h0m0s", "--soak", "1h")

	t.Run("caller credentials reach the stage client", func(t *testing.T) {
		// The bare kubeconfig holds no token and no CA: without the caller's
		// settings neither cluster can be reached.
		bare := []string{"KUBECONFIG=" + c.bare, "HELM_NAMESPACE="}
		r := c.h.RunEnv(bare, c.h.Plugin("helm-stella"), c.args("prod", c.prodVals, "--require-stage", gate, "--plan")...)
		if r.Code == 0 {
			t.Fatalf("bare kubeconfig without credentials connected:\n%s", r.Stdout)
		}
		// An operator that only cluster B admits: the gate's reads on A
		// must be made as that user too, and are forbidden.
		const op = "stella-operator"
		bind(t, c.b, op)
		creds := append(bare, "HELM_KUBETOKEN=stella-alice-token")
		flags := []string{"--require-stage", gate, "--kube-insecure-skip-tls-verify", "--kube-as-user", op}
		// alice is system:masters on A: a refusal there comes only from the
		// impersonation, and the same call passes once op is bound on A
		// (below). The server's message, as the Helm SDK decodes it, is
		// "unknown (get secrets)" and does not name the user.
		r = c.h.RunEnv(creds, c.h.Plugin("helm-stella"), c.args("prod", c.prodVals, flags...)...)
		if out := r.Stdout + r.Stderr; r.Code != 1 || !strings.Contains(out, "forbidden") || !strings.Contains(out, stage) {
			t.Fatalf("impersonated gate read on A: exit %d, want forbidden for %s in %s\n%s%s", r.Code, op, stage, r.Stdout, r.Stderr)
		}
		if rev := c.prodRevision(); rev != 0 {
			t.Fatalf("prod installed on B although the gate could not read A (revision %d)", rev)
		}
		bind(t, c.h, op)
		// allowed after the soak: staging unchanged for at least 2 s
		time.Sleep(2 * time.Second)
		r = c.h.RunEnv(creds, c.h.Plugin("helm-stella"), c.args("prod", c.prodVals, append(flags, "--soak", "2s")...)...)
		expectExit(t, r, 0, "prod promote on B gated on A, as the impersonated operator with the caller's token")
		if !strings.Contains(r.Stdout, "passed: "+gate) {
			t.Fatalf("gate not reported:\n%s", r.Stdout)
		}
		if rev := c.prodRevision(); rev != 1 {
			t.Fatalf("prod on B: revision %d, want 1", rev)
		}
		es, err := journal.New(c.b.Client, c.prod).List(context.Background(), "stellaops", time.Time{})
		if err != nil || len(es) == 0 {
			t.Fatalf("journal on B: %v (%d entries)", err, len(es))
		}
		if ent := es[len(es)-1]; ent.Who.User != op || ent.Context != "prod" || ent.Outcome != journal.Succeeded {
			t.Fatalf("journal on B: who %+v, context %q, outcome %s", ent.Who, ent.Context, ent.Outcome)
		}
	})
}

// bind makes user a cluster admin of h's cluster until the test ends.
func bind(t *testing.T, h *harness.T, user string) {
	name := "stella-operator-" + h.Namespace
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: user}},
	}
	if _, err := h.Client.RbacV1().ClusterRoleBindings().Create(context.Background(), crb, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = h.Client.RbacV1().ClusterRoleBindings().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
}
