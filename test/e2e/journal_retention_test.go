//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// TestJournalRetentionAndEmpty: --prune-keep/--prune-max-age remove the
// oldest finished entries of the release and list them; an entry in
// progress and other releases stay; an empty listing names its filters; a
// namespace that does not exist is exit 4.
func TestJournalRetentionAndEmpty(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	ctx := context.Background()
	j := journal.New(h.Client, h.Namespace)
	now := time.Now()
	who := identity.Who{User: "alice"}
	var ids []string
	for i := 5; i >= 1; i-- { // five finished promotes, i days ago
		e := journal.Entry{Operation: journal.Promote, Release: "stellaops", Who: who, Start: now.Add(-time.Duration(i) * 24 * time.Hour)}
		e.Finish(journal.Succeeded, e.Start.Add(time.Minute))
		got, err := j.Append(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	running := journal.Entry{Operation: journal.Promote, Release: "stellaops", Who: who, Start: now.Add(-10 * 24 * time.Hour)}
	if _, err := j.Append(ctx, running); err != nil {
		t.Fatal(err)
	}
	other := journal.Entry{Operation: journal.Promote, Release: "web", Who: who, Start: now.Add(-30 * 24 * time.Hour)}
	other.Finish(journal.Succeeded, other.Start.Add(time.Minute))
	if _, err := j.Append(ctx, other); err != nil {
		t.Fatal(err)
	}
	ks := h.Plugin("kubectl-stella")

	r := h.Must(h.Run(ks, "journal", "stellaops", "-n", h.Namespace, "--prune-keep", "3"))
	if !strings.Contains(r.Stderr, "removed 2 entries") || !strings.Contains(r.Stderr, ids[0]) || !strings.Contains(r.Stderr, ids[1]) {
		t.Fatalf("retention not listed:\n%s", r.Stderr)
	}
	left, err := j.List(ctx, "stellaops", time.Time{})
	if err != nil || len(left) != 4 { // 3 finished + the one in progress
		t.Fatalf("left %d entries: %v", len(left), err)
	}
	h.Must(h.Run(ks, "journal", "stellaops", "-n", h.Namespace, "--prune-max-age", "36h"))
	if left, _ = j.List(ctx, "stellaops", time.Time{}); len(left) != 2 || left[0].Outcome != journal.InProgress {
		t.Fatalf("after --prune-max-age 36h: %+v", left)
	}
	if web, _ := j.List(ctx, "web", time.Time{}); len(web) != 1 {
		t.Fatalf("another release's entries were pruned: %+v", web)
	}
	if r := h.Run(ks, "journal", "-n", h.Namespace, "--prune-keep", "1"); r.Code != 4 || !strings.Contains(r.Stderr, "name the RELEASE") {
		t.Fatalf("prune without release: exit %d %s", r.Code, r.Stderr)
	}

	r = h.Must(h.Run(ks, "journal", "nope", "-n", h.Namespace, "--since", "30d"))
	if r.Stdout != "" || !strings.Contains(r.Stderr, "No journal entries for release nope since 30d in namespace "+h.Namespace+".") {
		t.Fatalf("empty message: %q", r.Stderr)
	}
	r = h.Run(ks, "journal", "-n", h.Namespace+"-does-not-exist")
	if r.Code != 4 || !strings.Contains(r.Stderr, "namespace "+h.Namespace+"-does-not-exist not found") || strings.Count(r.Stderr, "Error:") != 1 {
		t.Fatalf("missing namespace: exit %d %q", r.Code, r.Stderr)
	}
}
