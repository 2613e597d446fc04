//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// rnEnv is one release of the example chart on the real node (channel local).
type rnEnv struct {
	h  *harness.T
	rn harness.RealNode
}

func newRealNode(t *testing.T) *rnEnv {
	h := harness.New(t)
	e := &rnEnv{h: h, rn: h.NeedRealNode()}
	t.Cleanup(func() {
		// the real node is small: leave nothing running on it
		_ = h.Run(h.Helm3(), "uninstall", "stellaops", "-n", h.Namespace, "--wait", "--timeout", "60s")
	})
	return e
}

// promote runs helm-stella promote on the local channel with values (and
// more flags); the first call installs.
func (e *rnEnv) promote(values string, extra ...string) harness.Result {
	a := []string{"promote", "stellaops", e.h.Example("deploy/helm/stellaops"), "-f", values,
		"--config", e.h.Example("deploy/channels.yaml"), "--channel", "local", "--lock-timeout", "30s"}
	return e.h.Run(e.h.Plugin("helm-stella"), append(a, extra...)...)
}

func (e *rnEnv) lastEntry() journal.Entry {
	es, err := journal.New(e.h.Client, e.h.Namespace).List(context.Background(), "stellaops", time.Time{})
	if err != nil || len(es) == 0 {
		e.h.Fatalf("journal: %v (%d entries)", err, len(es))
	}
	return es[len(es)-1]
}

// revision is the deployed revision (helm status) and its status.
func (e *rnEnv) revision() (int, string) {
	var s helmStatus
	r := e.h.Must(e.h.Run(e.h.Helm3(), "status", "stellaops", "-n", e.h.Namespace, "-o", "json"))
	if err := json.Unmarshal([]byte(r.Stdout), &s); err != nil {
		e.h.Fatal(err)
	}
	return s.Version, s.Info.Status
}

// authorityArgs replaces the authority's stand-in arguments in values-local.yaml.
func (e *rnEnv) authorityArgs(name, args string) string {
	return e.h.LocalValues(name, "  authority: [serve, -service=authority, -port=8440]", "  authority: ["+args+", -service=authority, -port=8440]")
}

// expectRolledBack checks a failed promote: exit 2, rolled back onto want,
// the verdict names the authority pod and container and one of reasons,
// and the journal holds the evidence; returns that evidence.
func (e *rnEnv) expectRolledBack(t *testing.T, r harness.Result, want int, reasons ...string) journal.Evidence {
	t.Helper()
	expectExit(t, r, 2, "failed promote")
	for _, s := range []string{"rolled-back", fmt.Sprintf("to revision %d", want), "EVIDENCE", "stellaops-authority-"} {
		if !strings.Contains(r.Stdout, s) {
			t.Fatalf("output lacks %q:\n%s\n%s", s, r.Stdout, r.Stderr)
		}
	}
	ent := e.lastEntry()
	if ent.Outcome != journal.RolledBack || ent.RollbackDuration == 0 {
		t.Fatalf("journal entry: outcome %s rollback %s", ent.Outcome, ent.RollbackDuration)
	}
	for _, ev := range ent.Evidence {
		if strings.HasPrefix(ev.Pod, "stellaops-authority-") && ev.Container == "authority" && oneOf(ev.Reason, reasons) {
			if rev, st := e.revision(); st != "deployed" {
				t.Fatalf("after rollback: revision %d %s", rev, st)
			}
			return ev
		}
	}
	t.Fatalf("no evidence of authority with reason %v: %+v", reasons, ent.Evidence)
	return journal.Evidence{}
}

func oneOf(s string, l []string) bool {
	for _, x := range l {
		if s == x {
			return true
		}
	}
	return false
}

func anyContains(l []string, sub string) bool {
	for _, s := range l {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
