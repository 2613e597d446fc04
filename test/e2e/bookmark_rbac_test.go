//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

func TestBookmarkWithOnlyTheDocumentedRole(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	bmInstall(h, "stellaops")
	role := h.DocRole("bookmark.md", "role:begin")
	kc := h.ServiceAccountKubeconfig("bookmarker", role)
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
		reduced := harness.WithoutVerb(role, c.verb, c.resource)
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
