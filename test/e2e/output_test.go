//go:build e2e

package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/verify"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// outLines is stdout's non-empty lines.
func outLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// TestOutputVerifyPods: every -o format on a real verify-pods result; a
// failed verdict printed through a template still exits 2.
func TestOutputVerifyPods(t *testing.T) {
	t.Parallel()
	t.Run("healthy", func(t *testing.T) {
		t.Parallel()
		h := harness.New(t)
		vpInstall(h)
		vpExpect(h, vpVerify(h, nil, "st", "--wait", "--timeout", "2m"), 0, 0)

		names := outLines(h.Must(vpVerify(h, nil, "st", "-o", "name")).Stdout)
		if len(names) != 9 || !slices.Contains(names, "statefulset/st-mongo") || !slices.Contains(names, "deployment/st-authority") {
			t.Fatalf("-o name: %q", names)
		}
		// a name line is a kubectl resource argument as it is
		h.Must(h.Run(h.Kubectl(), "get", "deployment/st-authority", "-n", h.Namespace))

		r := h.Must(vpVerify(h, nil, "st", "-o", "jsonpath={.apiVersion} {.kind} {.verdict} {.workloads[*].name}"))
		f := strings.Fields(r.Stdout)
		if len(f) != 12 || f[0] != "stella.ops/v1alpha1" || f[1] != "VerifyResult" || f[2] != "healthy" {
			t.Fatalf("-o jsonpath: %q", r.Stdout)
		}
		r = h.Must(vpVerify(h, nil, "st", "-o", "jsonpath-as-json={.workloads[*].kind}"))
		var kinds []string
		if err := json.Unmarshal([]byte(r.Stdout), &kinds); err != nil || len(kinds) != 9 || !slices.Contains(kinds, "StatefulSet") {
			t.Fatalf("-o jsonpath-as-json (%v): %s", err, r.Stdout)
		}
		r = h.Must(vpVerify(h, nil, "st", "-o", `go-template={{range .workloads}}{{.name}} {{.ready}}/{{.desired}}{{"\n"}}{{end}}`))
		if rows := outLines(r.Stdout); len(rows) != 9 || !slices.Contains(rows, "st-mongo 1/1") {
			t.Fatalf("-o go-template: %q", rows)
		}
		r = h.Must(vpVerify(h, nil, "st", "-o", "yaml"))
		var res verify.Result
		var head struct{ APIVersion, Kind string }
		if err := yaml.Unmarshal([]byte(r.Stdout), &res); err != nil || res.Verdict != verify.Healthy || len(res.Workloads) != 9 {
			t.Fatalf("-o yaml (%v):\n%s", err, r.Stdout)
		}
		if err := yaml.Unmarshal([]byte(r.Stdout), &head); err != nil || head.APIVersion != "stella.ops/v1alpha1" || head.Kind != "VerifyResult" {
			t.Fatalf("-o yaml apiVersion/kind: %+v %v", head, err)
		}
		r = h.Must(vpVerify(h, nil, "st", "-o", "wide"))
		rows := outLines(r.Stdout)
		if !strings.HasPrefix(rows[0], "NAMESPACE ") || !strings.Contains(rows[0], " PODS ") || !strings.HasSuffix(rows[0], "MESSAGE") ||
			strings.Count(r.Stdout, h.Namespace+" ") != 9 || !strings.Contains(r.Stdout, "verdict: HEALTHY") {
			t.Fatalf("-o wide:\n%s", r.Stdout)
		}
		for _, bad := range []string{"jsonpath={.verdict", "go-template={{.verdict", "xml"} {
			r = vpVerify(h, nil, "st", "-o", bad)
			if r.Code != 4 || r.Stdout != "" || !strings.Contains(r.Stderr, "flag -o/--output") || len(outLines(r.Stderr)) != 1 {
				t.Fatalf("-o %s: want exit 4 with one line naming the flag, got %d\n%s\n%s", bad, r.Code, r.Stdout, r.Stderr)
			}
		}
	})
	t.Run("failed verdict keeps exit 2", func(t *testing.T) {
		t.Parallel()
		h := harness.New(t)
		vpInstall(h, vpSimulate("authority", "crashloop"))
		r := vpVerify(h, nil, "st", "--wait", "--timeout", "15m", "-o", "jsonpath={.kind} {.verdict}")
		vpExpect(h, r, 2, 30*time.Second)
		if r.Stdout != "VerifyResult unhealthy" {
			t.Fatalf("stdout %q", r.Stdout)
		}
	})
}

// TestOutputBookmarkJournalRollback: -o name, jsonpath, go-template, yaml
// and wide on bookmark create/list/show, journal and safe-rollback --plan.
func TestOutputBookmarkJournalRollback(t *testing.T) {
	t.Parallel()
	h := harness.New(t)
	bmInstall(h, "stellaops")
	bmInstall(h, "stellaops", "--set-json", rbNote)

	created := outLines(h.Must(bmRun(h, nil, "bookmark", "stellaops", "-o", "name")).Stdout)
	if len(created) != 1 || !strings.HasPrefix(created[0], "bookmark/stella-bookmark-stellaops-2-") {
		t.Fatalf("bookmark create -o name: %q", created)
	}
	name := strings.TrimPrefix(created[0], "bookmark/")
	h.Must(bmRun(h, nil, "bookmark", "stellaops", "--revision", "1", "--name", "first"))
	if got := outLines(h.Must(bmRun(h, nil, "bookmark", "list", "-o", "name")).Stdout); strings.Join(got, ",") != created[0]+",bookmark/first" &&
		strings.Join(got, ",") != "bookmark/first,"+created[0] {
		t.Fatalf("bookmark list -o name: %q", got)
	}
	r := h.Must(bmRun(h, nil, "bookmark", "list", "-o", `jsonpath={.kind}{range .items[*]} {.name}:{.revision}{end}`))
	if f := strings.Fields(r.Stdout); len(f) != 3 || f[0] != "BookmarkList" || !slices.Contains(f, name+":2") || !slices.Contains(f, "first:1") {
		t.Fatalf("bookmark list -o jsonpath: %q", r.Stdout)
	}
	r = h.Must(bmRun(h, nil, "bookmark", "show", "first", "-o", "go-template={{.kind}} {{.release}} {{.revision}}"))
	if r.Stdout != "Bookmark stellaops 1" {
		t.Fatalf("bookmark show -o go-template: %q", r.Stdout)
	}
	r = h.Must(bmRun(h, nil, "bookmark", "list", "-o", "wide"))
	if rows := outLines(r.Stdout); len(rows) != 3 || !strings.HasPrefix(rows[0], "NAMESPACE ") || !strings.HasPrefix(rows[1], h.Namespace+" ") {
		t.Fatalf("bookmark list -o wide:\n%s", r.Stdout)
	}

	who := identity.Who{User: "alice", Source: "kubeconfig"}
	old, _, web := journalEntries(t, who, time.Now())
	j := journal.New(h.Client, h.Namespace)
	var err error
	if old, err = j.Append(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	if web, err = j.Append(t.Context(), web); err != nil {
		t.Fatal(err)
	}
	ks := h.Plugin("kubectl-stella")
	r = h.Must(h.Run(ks, "journal", "-n", h.Namespace, "-o", "name"))
	if got := outLines(r.Stdout); strings.Join(got, ",") != "journalentry/"+old.ID+",journalentry/"+web.ID {
		t.Fatalf("journal -o name: %q", got)
	}
	r = h.Must(h.Run(ks, "journal", "stellaops", "-n", h.Namespace, "-o", "jsonpath={.kind} {.release} {.entries[*].outcome}"))
	if r.Stdout != "Journal stellaops rolled-back" {
		t.Fatalf("journal -o jsonpath: %q", r.Stdout)
	}
	r = h.Must(h.Run(ks, "journal", "-n", h.Namespace, "-o", "wide"))
	if rows := outLines(r.Stdout); len(rows) != 3 || !strings.HasPrefix(rows[0], "ID ") || !strings.HasPrefix(rows[1], old.ID+" ") ||
		!strings.Contains(rows[1], old.Reason) {
		t.Fatalf("journal -o wide:\n%s", r.Stdout)
	}

	r = h.Must(h.Run(h.Plugin("helm-stella"), "safe-rollback", "stellaops", "-n", h.Namespace, "--plan", "-o", "yaml"))
	var plan struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		DryRun     bool   `json:"dryRun"`
		Decision   struct {
			Target struct{ Revision int } `json:"target"`
		} `json:"decision"`
	}
	if err := yaml.Unmarshal([]byte(r.Stdout), &plan); err != nil || plan.APIVersion != "stella.ops/v1alpha1" || plan.Kind != "RollbackResult" ||
		!plan.DryRun || plan.Decision.Target.Revision != 1 {
		t.Fatalf("safe-rollback --plan -o yaml (%v): %+v\n%s", err, plan, r.Stdout)
	}
	r = h.Must(h.Run(h.Plugin("helm-stella"), "safe-rollback", "stellaops", "-n", h.Namespace, "--plan", "-o", "name"))
	if r.Stdout != "release/stellaops\n" {
		t.Fatalf("safe-rollback -o name: %q", r.Stdout)
	}
}
