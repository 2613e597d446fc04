//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// lockJournalRole is the union of the documented lock and journal Roles.
func lockJournalRole(h *harness.T) *rbacv1.Role {
	role := &rbacv1.Role{}
	role.Name = "stella-lock-journal"
	for _, r := range []*rbacv1.Role{h.DocRole("lock.md", "lock-role"),
		h.DocRole("journal.md", "journal-writer-role"), h.DocRole("journal.md", "journal-reader-role")} {
		role.Rules = append(role.Rules, r.Rules...)
	}
	return role
}

// A ServiceAccount with exactly the documented Roles can lock, journal and
// read the journal; without one verb it gets "forbidden".
func TestLockJournalServiceAccountRoles(t *testing.T) {
	t.Run("documented roles suffice", func(t *testing.T) {
		h := harness.New(t)
		ctx := context.Background()
		kc := h.ServiceAccountKubeconfig("verifier", lockJournalRole(h))
		c, _, err := lockClientFor(kc)
		if err != nil {
			t.Fatal(err)
		}
		held, err := lock.Acquire(ctx, c, h.Namespace, "stellaops", lock.Options{User: "verifier", Operation: "promote", Duration: 3 * time.Second})
		if err != nil {
			t.Fatalf("acquire: %v", err)
		}
		time.Sleep(1500 * time.Millisecond) // at least one renewal (update)
		j := journal.New(c, h.Namespace)
		e, err := j.Append(ctx, journal.Entry{Operation: journal.Promote, Release: "stellaops"})
		if err != nil {
			t.Fatalf("append: %v", err)
		}
		e.Finish(journal.Succeeded, time.Now())
		if _, err := j.Update(ctx, e); err != nil {
			t.Fatalf("update: %v", err)
		}
		if err := held.Release(ctx); err != nil {
			t.Fatalf("release: %v", err)
		}
		r := h.Must(h.RunEnv([]string{"KUBECONFIG=" + kc}, h.Plugin("kubectl-stella"), "journal", "stellaops", "-n", h.Namespace, "-o", "json"))
		var rep journal.Report
		if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil || len(rep.Entries) != 1 || rep.Entries[0].Outcome != journal.Succeeded {
			t.Fatalf("journal as the ServiceAccount (%v): %s", err, r.Stdout)
		}
	})
	cases := []struct{ verb, resource string }{{"create", "leases"}, {"update", "configmaps"}, {"list", "configmaps"}}
	for _, c := range cases {
		t.Run("without "+c.verb+" "+c.resource, func(t *testing.T) {
			h := harness.New(t)
			ctx := context.Background()
			kc := h.ServiceAccountKubeconfig("verifier", harness.WithoutVerb(lockJournalRole(h), c.verb, c.resource))
			cl, _, err := lockClientFor(kc)
			if err != nil {
				t.Fatal(err)
			}
			switch c.resource + "/" + c.verb {
			case "leases/create":
				_, err = lock.Acquire(ctx, cl, h.Namespace, "stellaops", lock.Options{User: "verifier"})
			case "configmaps/update":
				j := journal.New(cl, h.Namespace)
				var e journal.Entry
				if e, err = j.Append(ctx, journal.Entry{Operation: journal.SafeRollback, Release: "stellaops"}); err != nil {
					t.Fatal(err)
				}
				e.Finish(journal.Failed, time.Now())
				_, err = j.Update(ctx, e)
			case "configmaps/list":
				r := h.RunEnv([]string{"KUBECONFIG=" + kc}, h.Plugin("kubectl-stella"), "journal", "-n", h.Namespace)
				if r.Code != 1 || !strings.Contains(r.Stderr, "forbidden: needs list on configmaps") || strings.Count(r.Stderr, "Error:") != 1 {
					t.Fatalf("journal without list: exit %d stderr %q", r.Code, r.Stderr)
				}
				return
			}
			if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "forbidden: needs "+c.verb+" on "+c.resource) {
				t.Fatalf("want forbidden: needs %s on %s, got %v", c.verb, c.resource, err)
			}
		})
	}
}
