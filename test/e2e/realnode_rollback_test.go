//go:build e2e

package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/verify"
)

// A readiness probe that never passes on a real kubelet: no certain failure,
// so the verdict is the timeout (exit 3), rolled back, with the kubelet's
// "Readiness probe failed" events as evidence. Then a crash loop left in
// place (--no-rollback) and safe-rollback back onto the verified revision.
func TestRealNodeNeverReadyAndSafeRollback(t *testing.T) {
	e := newRealNode(t)
	h := e.h
	vals := h.Example("deploy/helm/stellaops/values-local.yaml")
	expectExit(t, e.promote(vals, "--timeout", "2m"), 0, "install on the real node")

	t.Run("never-ready: timeout exit 3 with readiness events", func(t *testing.T) {
		r := e.promote(e.authorityArgs("never.yaml", "never-ready"), "--timeout", "20s")
		expectExit(t, r, 3, "never-ready promote")
		t.Logf("never-ready: verdict (timeout) and rollback in %s", r.Duration.Round(time.Millisecond))
		if r.Duration > 80*time.Second {
			t.Fatalf("never-ready took %s with --timeout 20s", r.Duration)
		}
		ent := e.lastEntry()
		var events []string
		for _, ev := range ent.Evidence {
			if strings.HasPrefix(ev.Pod, "stellaops-authority-") && ev.Container == "authority" {
				events = append(events, ev.Events...)
			}
		}
		if !anyContains(events, "Readiness probe failed") || !anyContains(events, "503") {
			t.Fatalf("evidence lacks the readiness events: %+v", ent.Evidence)
		}
		if _, st := e.revision(); st != "deployed" {
			t.Fatalf("after the timeout: %s", st)
		}
	})

	t.Run("safe-rollback off a crash loop onto a verified revision", func(t *testing.T) {
		good, _ := e.revision()
		r := e.promote(e.authorityArgs("crash.yaml", "crash, -after=1s"), "--timeout", "15m", "--stable-for", "10s", "--no-rollback")
		expectExit(t, r, 2, "crash loop left in place")
		if _, st := e.revision(); st != "failed" {
			t.Fatalf("--no-rollback: release is %s", st)
		}
		// verify-pods and smoke on the crash loop left in place: both fail,
		// naming the pod, the container and why (with the real log lines).
		res, vr := vpJSON(h, "stellaops", "--wait", "--timeout", "2m", "--logs")
		vpExpect(h, vr, 2, 90*time.Second)
		w := vpWorkload(h, res, "stellaops-authority")
		if res.Verdict != verify.Unhealthy || len(w.Findings) == 0 || w.Findings[0].Container != "authority" ||
			!w.Findings[0].Certain || !strings.HasPrefix(w.Findings[0].Pod, "stellaops-authority-") {
			t.Fatalf("verify-pods on the real crash loop: %+v", w)
		}
		if !anyContains(w.Findings[0].Logs, "simulated crash after 1s") {
			t.Fatalf("verify-pods --logs lacks the real log lines: %+v", w.Findings[0])
		}
		if !strings.Contains(vr.Stderr, "deployment/stellaops-authority") {
			t.Fatalf("the error line must name the workload: %s", vr.Stderr)
		}
		sr := h.Run(h.Plugin("kubectl-stella"), "smoke", "stellaops", "-n", h.Namespace,
			"--channel", "local", "--config", h.Example("deploy/channels.yaml"), "--timeout", "30s")
		expectExit(t, sr, 2, "smoke against a crash-looping authority")
		if !strings.Contains(sr.Stdout, "authority") {
			t.Fatalf("smoke does not name the failing authority check:\n%s", sr.Stdout)
		}
		r = h.Run(h.Plugin("helm-stella"), "safe-rollback", "stellaops", "--revision", strconv.Itoa(good),
			"--channel", "local", "--config", h.Example("deploy/channels.yaml"), "--reason", "real crash loop", "--timeout", "2m")
		expectExit(t, r, 0, "safe-rollback")
		t.Logf("safe-rollback onto revision %d in %s", good, r.Duration.Round(time.Millisecond))
		ent := e.lastEntry()
		if ent.Operation != journal.SafeRollback || ent.Outcome != journal.Succeeded {
			t.Fatalf("journal entry: %s %s", ent.Operation, ent.Outcome)
		}
		for _, p := range h.PodsOn(e.rn.Name) {
			for _, cs := range p.Status.ContainerStatuses {
				if p.DeletionTimestamp == nil && cs.RestartCount > 0 && strings.HasPrefix(p.Name, "stellaops-authority-") && cs.Ready {
					t.Fatalf("a crashing authority pod is still serving: %s", p.Name)
				}
			}
		}
	})
}
