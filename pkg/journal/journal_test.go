package journal

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"sigs.k8s.io/yaml"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

func entry(t *testing.T, doc string) Entry {
	t.Helper()
	var e Entry
	if err := yaml.Unmarshal([]byte(doc), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

const rollbackDoc = `
id: 20261125-120000-000-stellaops-ab12
operation: safe-rollback
release: stellaops
namespace: prod
kubeContext: prod-eu
who: {user: alice, source: SelfSubjectReview}
start: "2026-11-25T12:00:00Z"
end: "2026-11-25T12:00:42.1Z"
duration: 42.1s
rollbackDuration: 40s
from: {revision: 5, chartVersion: 1.2.0}
to: {revision: 4, chartVersion: 1.1.0}
manifest: {version: 2025.10.0, channel: stable}
git: {describe: v1.2.0-3-gabc, sha: abc}
reason: authority crash loop
outcome: rolled-back
`

func TestMarkdownRows(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"safe-rollback", rollbackDoc,
			"| 2026-11-25 12:00 | stable | Rolled back | safe-rollback stellaops 2025.10.0: rev 5 (chart 1.2.0) → rev 4 (chart 1.1.0); rollback duration 40s; total 42.1s; by alice; reason: authority crash loop; deploy v1.2.0-3-gabc |\n"},
		{"promote with evidence, pipes and newlines escaped", `
operation: promote
release: web
start: "2026-01-02T03:04:05Z"
from: {revision: 1}
to: {revision: 2}
outcome: failed
notes: "line one\nline | two"
evidence: [{pod: web-1, container: app, reason: CrashLoopBackOff}, {pod: web-2}]`,
			"| 2026-01-02 03:04 | — | Failed | promote web: rev 1 → rev 2; evidence: web-1/app CrashLoopBackOff (+1 more); line one line \\| two |\n"},
		{"in progress, nothing known", "operation: recover\nrelease: web\nstart: \"2026-01-02T23:59:59+02:00\"\noutcome: in-progress",
			"| 2026-01-02 21:59 | — | In progress | recover web: rev ? → rev ? |\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := MarkdownRow(entry(t, c.doc)); got != c.want {
				t.Fatalf("row\n got %q\nwant %q", got, c.want)
			}
		})
	}
	md := Markdown([]Entry{entry(t, rollbackDoc)})
	if !strings.HasPrefix(md, "| Date (UTC) | Channel | Outcome | Notes |\n|---") || strings.Count(md, "\n") != 3 {
		t.Fatalf("table: %q", md)
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"password=hunter2 user=bob":                  "password=*** user=bob",
		`{"db_password": "s3cr3t", "host": "db"}`:    `{"db_password": ***, "host": "db"}`,
		"AUTH_TOKEN: abc.def":                        "AUTH_TOKEN: ***",
		"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9": "Authorization: Bearer ***",
		"dial postgres://app:pa55w0rd@db:5432/x":     "dial postgres://app:***@db:5432/x",
		"connection refused":                         "connection refused",
	}
	for in, want := range cases {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Redact(strings.Repeat("x", 5000)); len(got) > maxText+20 {
		t.Errorf("not bounded: %d bytes", len(got))
	}
}

func TestCheckTransition(t *testing.T) {
	start := entry(t, rollbackDoc)
	start.Outcome = InProgress
	fin := start
	fin.Finish(Succeeded, start.Start.Add(time.Minute))
	moved := fin
	moved.Release = "other"
	cases := []struct {
		name     string
		old, new Entry
		ok       bool
		final    bool
	}{
		{"in-progress to final", start, fin, true, false},
		{"final to final", fin, fin, false, true},
		{"in-progress to in-progress", start, start, false, false},
		{"identity changed", start, moved, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkTransition(c.old, c.new)
			if (err == nil) != c.ok || errors.Is(err, ErrFinal) != c.final {
				t.Fatalf("checkTransition: %v", err)
			}
		})
	}
}

func TestAppendUpdateListWithFake(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientset()
	j := New(c, "prod")
	e := entry(t, rollbackDoc)
	e.Outcome, e.End, e.Duration, e.Start = "", time.Time{}, 0, time.Now()
	e.Evidence = []Evidence{{Pod: "p", LogTail: []string{"token=abcdef", "ok"}}}
	e.Smoke = json.RawMessage(`{"passed":3,"apiKey":"k-123","cases":[{"name":"login","detail":"password: x"}]}`)
	got, err := j.Append(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != InProgress || got.Namespace != "prod" || !strings.HasSuffix(got.ID[:len(got.ID)-5], "-stellaops") {
		t.Fatalf("appended: %+v", got)
	}
	cm, err := c.CoreV1().ConfigMaps("prod").Get(ctx, "stella-journal-"+got.ID, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if *cm.Immutable || cm.Labels[LabelOutcome] != "in-progress" || cm.Labels[LabelOperation] != "safe-rollback" {
		t.Fatalf("in-progress ConfigMap: immutable %v labels %v", *cm.Immutable, cm.Labels)
	}
	for _, leak := range []string{"abcdef", "k-123", "password: x"} {
		if strings.Contains(cm.Data[dataKey], leak) {
			t.Errorf("stored entry leaks %q: %s", leak, cm.Data[dataKey])
		}
	}
	got.Finish(RolledBack, got.Start.Add(3*time.Second))
	if _, err := j.Update(ctx, got); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Update(ctx, got); err != nil {
		t.Fatalf("repeating the same final update is a no-op: %v", err)
	}
	rewrite := got
	rewrite.Finish(Succeeded, got.End)
	if _, err := j.Update(ctx, rewrite); exit.CodeOf(err) != exit.Refused || !errors.Is(err, ErrFinal) {
		t.Fatalf("rewriting a final entry: %v", err)
	}
	old := got
	old.Release, old.ID = "web", NewID("web", got.Start.Add(-48*time.Hour))
	old.Start = got.Start.Add(-48 * time.Hour)
	if _, err := j.Append(ctx, old); err != nil {
		t.Fatal(err)
	}
	all, _ := j.List(ctx, "", time.Time{})
	recent, _ := j.List(ctx, "", time.Now().Add(-time.Hour))
	web, _ := j.List(ctx, "web", time.Time{})
	if len(all) != 2 || all[0].Release != "web" || len(recent) != 1 || recent[0].Outcome != RolledBack || len(web) != 1 {
		t.Fatalf("list: all %d recent %d web %d", len(all), len(recent), len(web))
	}
}

func TestAppendRejectsBadEntries(t *testing.T) {
	j := New(fake.NewClientset(), "ns")
	for _, e := range []Entry{
		{Operation: "deploy", Release: "x"},
		{Operation: Promote},
		{Operation: Promote, Release: "x", Outcome: "great"},
		{Operation: Promote, Release: "x", Smoke: json.RawMessage("{nope")},
	} {
		if _, err := j.Append(context.Background(), e); exit.CodeOf(err) != exit.Invalid {
			t.Errorf("%+v: %v", e, err)
		}
	}
}

func TestParseSince(t *testing.T) {
	good := map[string]time.Duration{"30d": 30 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute}
	for s, want := range good {
		if got, err := ParseSince(s); err != nil || got != want {
			t.Errorf("ParseSince(%q) = %s, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "d", "0d", "-1d", "30x", "1.5d", "yesterday", "-5m"} {
		if _, err := ParseSince(s); err == nil {
			t.Errorf("ParseSince(%q) accepted", s)
		}
	}
}

func TestRenderTable(t *testing.T) {
	var b strings.Builder
	e := entry(t, rollbackDoc)
	if err := Render(&b, "table", Report{Namespace: "prod", Entries: []Entry{e}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "STARTED (UTC)") ||
		strings.Join(strings.Fields(lines[1]), " ") != "2026-11-25 12:00:00 safe-rollback stellaops rolled-back rev 5 (chart 1.2.0) → rev 4 (chart 1.1.0) 42.1s alice authority crash loop" {
		t.Fatalf("table:\n%s", b.String())
	}
}

// The API server restarting: writes are retried, and a write that landed
// although its answer was lost is recognised, not duplicated or refused.
func TestWritesSurviveTransientErrors(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientset()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	calls := map[string]int{}
	for _, verb := range []string{"create", "update"} {
		c.PrependReactor(verb, "configmaps", func(a k8stesting.Action) (bool, runtime.Object, error) {
			calls[verb]++
			switch calls[verb] {
			case 1:
				return true, nil, refused // nothing written
			case 2: // written, answer lost
				obj := a.(k8stesting.CreateAction).GetObject()
				var err error
				if verb == "create" {
					err = c.Tracker().Create(a.GetResource(), obj, "ns")
				} else {
					err = c.Tracker().Update(a.GetResource(), obj, "ns")
				}
				if err != nil {
					t.Fatal(err)
				}
				return true, nil, apierrors.NewServiceUnavailable("apiserver restarting")
			}
			return false, nil, nil
		})
	}
	j := New(c, "ns")
	e, err := j.Append(ctx, Entry{Operation: Promote, Release: "web"})
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	e.Finish(Interrupted, e.Start.Add(time.Second))
	if _, err := j.Update(ctx, e); err != nil {
		t.Fatalf("update: %v", err)
	}
	list, _ := j.List(ctx, "web", time.Time{})
	if len(list) != 1 || list[0].Outcome != Interrupted || calls["create"] < 3 || calls["update"] != 2 {
		t.Fatalf("entries %+v calls %v", list, calls)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	c.PrependReactor("create", "configmaps", func(k8stesting.Action) (bool, runtime.Object, error) { return true, nil, refused })
	if _, err := j.Append(cancelled, Entry{Operation: Promote, Release: "web"}); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("cancelled context must stop retrying: %v", err)
	}
}
