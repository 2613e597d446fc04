//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

const journalSecret = "hunter2-Sup3rS3cret"

func journalEntries(t *testing.T, who identity.Who, now time.Time) (old, running, web journal.Entry) {
	old = journal.Entry{Operation: journal.SafeRollback, Release: "stellaops", Context: "stella-local", Who: who,
		Start:            now.Add(-40 * 24 * time.Hour),
		RollbackDuration: journal.Duration(41 * time.Second),
		From: journal.Revision{Revision: 5, ChartVersion: "1.2.0",
			Digests: map[string]string{"Deployment/authority/authority": "registry.example/authority@sha256:" + strings.Repeat("a", 64)}},
		To: journal.Revision{Revision: 4, ChartVersion: "1.1.0",
			Digests: map[string]string{"Deployment/authority/authority": "registry.example/authority@sha256:" + strings.Repeat("b", 64)}},
		Manifest: journal.Manifest{Version: "2025.10.0", Channel: "stable"},
		Git:      journal.Git{Describe: "v1.2.0-3-gabcdef0", SHA: strings.Repeat("c", 40)},
		Reason:   "authority crash loop after 2025.10.1",
		Evidence: []journal.Evidence{{Pod: "authority-7d9f-x2", Container: "authority", Reason: "CrashLoopBackOff",
			Message: "back-off 40s restarting failed container", Events: []string{"Warning BackOff back-off restarting"},
			LogTail: []string{"connecting with password=" + journalSecret, "fatal: cannot reach db"}}},
		Smoke: json.RawMessage(`{"passed":4,"failed":0,"token":"` + journalSecret + `"}`),
		Notes: "drill with alice and bob",
	}
	old.Finish(journal.RolledBack, old.Start.Add(42*time.Second))
	running = journal.Entry{Operation: journal.Promote, Release: "stellaops", Context: "stella-local", Who: who,
		Start: now.Add(-time.Hour), From: journal.Revision{Revision: 5}, Manifest: journal.Manifest{Version: "2025.11.0", Channel: "edge"}}
	web = journal.Entry{Operation: journal.Promote, Release: "web", Who: who, Start: now.Add(-2 * time.Hour)}
	web.Finish(journal.Succeeded, web.Start.Add(10*time.Second))
	return old, running, web
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestJournalWriteReadAndCommand(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	ctx := context.Background()
	alice, user, err := lockClientFor(filepath.Join(h.Env.StateDir, "kubeconfig-alice"))
	if err != nil {
		t.Fatal(err)
	}
	who := identity.Resolve(ctx, alice, user)
	if who.User != "alice" || who.Source != "SelfSubjectReview" {
		t.Fatalf("who: %+v", who)
	}
	j := journal.New(alice, h.Namespace)
	old, running, web := journalEntries(t, who, time.Now())
	if old, err = j.Append(ctx, old); err != nil {
		t.Fatal(err)
	}
	if running, err = j.Append(ctx, running); err != nil {
		t.Fatal(err)
	}
	if web, err = j.Append(ctx, web); err != nil {
		t.Fatal(err)
	}
	running.To = journal.Revision{Revision: 6, ChartVersion: "1.3.0"}
	running.Evidence = []journal.Evidence{{Pod: "web-1", Container: "app", Reason: "ImagePullBackOff"}}
	running.Finish(journal.Failed, running.Start.Add(90*time.Second))
	if running, err = j.Update(ctx, running); err != nil {
		t.Fatal(err)
	}

	got, err := j.List(ctx, "stellaops", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || asJSON(t, got[0]) != asJSON(t, old) || asJSON(t, got[1]) != asJSON(t, running) {
		t.Fatalf("read back:\n%s\nwant\n%s", asJSON(t, got), asJSON(t, []journal.Entry{old, running}))
	}
	assertJournalFields(t, h.Namespace, got[0], got[1])

	// kubectl stella journal -o json|yaml, --since, every release
	ks := h.Plugin("kubectl-stella")
	var rep journal.Report
	r := h.Must(h.Run(ks, "journal", "stellaops", "-n", h.Namespace, "-o", "json"))
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil || rep.Namespace != h.Namespace || rep.Release != "stellaops" ||
		asJSON(t, rep.Entries) != asJSON(t, got) {
		t.Fatalf("journal -o json (%v):\n%s", err, r.Stdout)
	}
	r = h.Must(h.Run(ks, "journal", "-n", h.Namespace, "-o", "yaml"))
	rep = journal.Report{}
	if err := yaml.Unmarshal([]byte(r.Stdout), &rep); err != nil || asJSON(t, rep.Entries) != asJSON(t, []journal.Entry{old, web, running}) {
		t.Fatalf("journal -o yaml, all releases in time order (%v):\n%s", err, r.Stdout)
	}
	r = h.Must(h.Run(ks, "journal", "stellaops", "-n", h.Namespace, "--since", "30d", "-o", "json"))
	rep = journal.Report{}
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil || len(rep.Entries) != 1 || rep.Entries[0].ID != running.ID {
		t.Fatalf("--since 30d: want only the promote (%v):\n%s", err, r.Stdout)
	}
	r = h.Must(h.Run(ks, "journal", "stellaops", "-n", h.Namespace, "--since", "90m"))
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "STARTED (UTC)") ||
		strings.Join(strings.Fields(lines[1])[2:], " ") != "promote stellaops failed rev 5 → rev 6 (chart 1.3.0) 1m30s alice -" {
		t.Fatalf("table --since 90m:\n%s", r.Stdout)
	}

	// --format markdown: the runbook §6 drill-log rows
	r = h.Must(h.Run(ks, "journal", "stellaops", "-n", h.Namespace, "--format", "markdown"))
	wantOld := "| " + old.Start.UTC().Format("2006-01-02 15:04") + " | stable | Rolled back | safe-rollback stellaops 2025.10.0: " +
		"rev 5 (chart 1.2.0) → rev 4 (chart 1.1.0); rollback duration 41s; total 42s; by alice; reason: authority crash loop after 2025.10.1; " +
		"evidence: authority-7d9f-x2/authority CrashLoopBackOff; deploy v1.2.0-3-gabcdef0; drill with alice and bob |\n"
	wantRunning := "| " + running.Start.UTC().Format("2006-01-02 15:04") + " | edge | Failed | promote stellaops 2025.11.0: " +
		"rev 5 → rev 6 (chart 1.3.0); total 1m30s; by alice; evidence: web-1/app ImagePullBackOff |\n"
	if r.Stdout != journal.MarkdownHeader+wantOld+wantRunning {
		t.Fatalf("markdown:\n%s\nwant\n%s", r.Stdout, journal.MarkdownHeader+wantOld+wantRunning)
	}

	assertJournalAppendOnly(t, h, j, running)
	assertNoSecret(t, h)

	if r := h.Run(ks, "journal", "-n", h.Namespace, "--since", "-3d"); r.Code != 4 || strings.Count(r.Stderr, "Error:") != 1 ||
		!strings.Contains(r.Stderr, "--since") {
		t.Errorf("bad --since: exit %d stderr %q", r.Code, r.Stderr)
	}
	if r := h.Run(ks, "journal", "nothing-here", "-n", h.Namespace); r.Code != 0 || r.Stdout != "" ||
		!strings.Contains(r.Stderr, "No journal entries for release nothing-here in namespace "+h.Namespace) {
		t.Errorf("empty journal: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func assertJournalFields(t *testing.T, ns string, old, running journal.Entry) {
	t.Helper()
	checks := []struct {
		name string
		ok   bool
	}{
		{"id sorts by time and names the release", strings.HasPrefix(old.ID, old.Start.UTC().Format("20060102-150405-")) && strings.Contains(old.ID, "-stellaops-")},
		{"operation", old.Operation == journal.SafeRollback && running.Operation == journal.Promote},
		{"namespace", old.Namespace == ns},
		{"kube context", old.Context == "stella-local"},
		{"who", old.Who.User == "alice" && old.Who.Source == "SelfSubjectReview" && len(old.Who.Groups) > 0},
		{"end and duration", old.End.Sub(old.Start) == 42*time.Second && time.Duration(old.Duration) == 42*time.Second},
		{"rollback duration", time.Duration(old.RollbackDuration) == 41*time.Second},
		{"from/to", old.From.Revision == 5 && old.To.Revision == 4 && old.To.ChartVersion == "1.1.0" &&
			strings.HasSuffix(old.To.Digests["Deployment/authority/authority"], strings.Repeat("b", 64))},
		{"manifest", old.Manifest == journal.Manifest{Version: "2025.10.0", Channel: "stable"}},
		{"git", old.Git.Describe == "v1.2.0-3-gabcdef0" && old.Git.SHA == strings.Repeat("c", 40)},
		{"reason and notes", old.Reason == "authority crash loop after 2025.10.1" && old.Notes == "drill with alice and bob"},
		{"outcome", old.Outcome == journal.RolledBack && running.Outcome == journal.Failed},
		{"evidence, log tail redacted", len(old.Evidence) == 1 && old.Evidence[0].Reason == "CrashLoopBackOff" &&
			old.Evidence[0].LogTail[0] == "connecting with password=***" && old.Evidence[0].LogTail[1] == "fatal: cannot reach db"},
		{"smoke summary kept, token masked", string(old.Smoke) == `{"failed":0,"passed":4,"token":"***"}`},
		{"update kept the start, set the end", running.To.Revision == 6 && time.Duration(running.Duration) == 90*time.Second},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("field check %q failed:\nold %s\nrunning %s", c.name, asJSON(t, old), asJSON(t, running))
		}
	}
}

// A final entry cannot be rewritten: not through Update, not by kubectl.
func assertJournalAppendOnly(t *testing.T, h *harness.T, j *journal.Journal, final journal.Entry) {
	t.Helper()
	ctx := context.Background()
	name := "stella-journal-" + final.ID
	before, err := h.Client.CoreV1().ConfigMaps(h.Namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if before.Immutable == nil || !*before.Immutable || before.Labels[journal.LabelOutcome] != "failed" ||
		before.Labels[journal.LabelRelease] != "stellaops" || before.Labels[journal.LabelOperation] != "promote" ||
		before.Labels[journal.LabelManagedBy] != "stella" {
		t.Fatalf("final entry ConfigMap: immutable %v labels %v", before.Immutable, before.Labels)
	}
	rewrite := final
	rewrite.Finish(journal.Succeeded, final.End)
	if _, err := j.Update(ctx, rewrite); exit.CodeOf(err) != exit.Refused || !errors.Is(err, journal.ErrFinal) {
		t.Fatalf("Update of a final entry: %v", err)
	}
	r := h.Run(h.Kubectl(), "-n", h.Namespace, "patch", "configmap", name, "--type", "merge",
		"-p", `{"data":{"entry.json":"{}"}}`)
	if r.Code == 0 || !strings.Contains(r.Stderr, "immutable") {
		t.Fatalf("kubectl patch of a final entry: exit %d stderr %s", r.Code, r.Stderr)
	}
	after, err := h.Client.CoreV1().ConfigMaps(h.Namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil || after.Data["entry.json"] != before.Data["entry.json"] {
		t.Fatalf("final entry changed: %v", err)
	}
}

// The secret strings of the entries appear nowhere: not in the stored
// objects, not in any output of the command.
func assertNoSecret(t *testing.T, h *harness.T) {
	t.Helper()
	ks := h.Plugin("kubectl-stella")
	outs := []harness.Result{
		h.Run(h.Kubectl(), "-n", h.Namespace, "get", "configmaps", "-o", "yaml"),
		h.Run(ks, "journal", "-n", h.Namespace, "-o", "json"),
		h.Run(ks, "journal", "-n", h.Namespace, "-o", "yaml"),
		h.Run(ks, "journal", "-n", h.Namespace),
		h.Run(ks, "journal", "-n", h.Namespace, "--format", "markdown"),
	}
	for i, r := range outs {
		if r.Code != 0 || strings.Contains(r.Stdout+r.Stderr, journalSecret) {
			t.Errorf("output %d: exit %d or leaks the secret:\n%s%s", i, r.Code, r.Stdout, r.Stderr)
		}
	}
}
