//go:build e2e

package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	helmtime "helm.sh/helm/v3/pkg/time"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// rbStuck writes a pending-upgrade revision through Helm's storage, as a
// helm upgrade killed mid-way leaves it, started an hour ago.
func rbStuck(h *harness.T) int {
	h.Helper()
	st := storage.Init(driver.NewSecrets(h.Client.CoreV1().Secrets(h.Namespace)))
	last, err := st.Last(rbRel)
	if err != nil {
		h.Fatal(err)
	}
	stuck := *last
	info := *last.Info
	stuck.Info, stuck.Version = &info, last.Version+1
	info.Status, info.Description = release.StatusPendingUpgrade, "Upgrade in progress"
	info.LastDeployed = helmtime.Time{Time: time.Now().Add(-time.Hour)}
	if err := st.Create(&stuck); err != nil {
		h.Fatal(err)
	}
	return stuck.Version
}

func TestSafeRollbackStuckPendingAndLock(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbHelm(h, true)
	rbHelm(h, true, "--set-json", rbNote)
	v := rbStuck(h)

	r := rbRun(h)
	cmd := "helm stella safe-rollback " + rbRel + " --recover --namespace " + h.Namespace
	if r.Code != 5 || !strings.Contains(r.Stderr, cmd) || !strings.Contains(r.Stderr, "pending-upgrade") {
		h.Fatalf("exit %d, want 5 naming %q:\n%s", r.Code, cmd, r.Stderr)
	}
	held, err := lock.Acquire(context.Background(), h.Client, h.Namespace, rbRel, lock.Options{User: "bob", Operation: "promote"})
	if err != nil {
		h.Fatal(err)
	}
	r = rbRun(h, "--recover")
	if r.Code != 5 || !strings.Contains(r.Stderr, "bob") {
		h.Errorf("while locked: exit %d, want 5 naming bob:\n%s", r.Code, r.Stderr)
	}
	if err := held.Release(context.Background()); err != nil {
		h.Fatal(err)
	}
	if hist := rbHistory(h); hist[v].Status != "pending-upgrade" || len(rbEntries(h)) != 0 {
		h.Fatalf("a refusal changed something: %+v", hist)
	}

	r = rbRun(h, "--recover", "--reason", "stuck upgrade", "-o", "json")
	res := rbJSON(h, r)
	if r.Code != 0 || res.Recovered != v || res.Decision.Target.Revision != 2 {
		h.Fatalf("--recover: exit %d %+v\n%s", r.Code, res, r.Stderr)
	}
	hist := rbHistory(h)
	if hist[v].Status != "failed" || hist[v+1].Status != "deployed" {
		h.Errorf("history after recovery = %+v", hist)
	}
	es := rbEntries(h)
	if len(es) != 1 {
		h.Fatalf("journal entries = %d", len(es))
	}
	rbCheckOp(h, es[0], journal.Recover, journal.Succeeded, v, 2, "stuck upgrade")
	if !strings.Contains(es[0].Notes, "recovered stuck revision 3") {
		h.Errorf("notes = %q", es[0].Notes)
	}
}

// rbNeverReady makes revision 2 never ready and revision 3 healthy: a
// rollback to 2 waits until its timeout.
func rbNeverReady(h *harness.T) {
	h.Helper()
	rbHelm(h, true)
	rbHelm(h, false, "--set-json", `podAnnotations={"authority":{"stella.test/simulate":"never-ready"}}`)
	rbHelm(h, true)
}

func rbLockFree(h *harness.T) {
	h.Helper()
	info, err := lock.Get(context.Background(), h.Client, h.Namespace, rbRel)
	if err != nil || (info != nil && info.Held(time.Now())) {
		h.Errorf("lock still held after the run: %+v (%v)", info, err)
	}
}

func TestSafeRollbackTimeout(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbNeverReady(h)
	r := rbRun(h, "--revision", "2", "--timeout", "8s")
	if r.Code != 3 || !strings.Contains(r.Stderr, "timed out") {
		h.Fatalf("exit %d, want 3:\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	es := rbEntries(h)
	if len(es) != 1 {
		h.Fatalf("journal entries = %d", len(es))
	}
	rbCheckEntry(h, es[0], journal.Failed, 3, 2, "")
	if !strings.Contains(es[0].Notes, "verify: timeout") {
		h.Errorf("notes = %q", es[0].Notes)
	}
	rbLockFree(h)
}

func TestSafeRollbackInterrupted(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbNeverReady(h)
	cmd := exec.Command(h.Plugin("helm-stella"), "safe-rollback", rbRel, "-n", h.Namespace, "--revision", "2", "--timeout", "2m", "--reason", "sigint drill")
	cmd.Env = append(os.Environ(), "KUBECONFIG="+h.Env.Kubeconfig, "NO_COLOR=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h.Eventually(30*time.Second, "rollback under way", func() (bool, error) {
		return rbHistory(h)[4].Status == "deployed", nil
	})
	time.Sleep(2 * time.Second)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("safe-rollback did not stop on SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		h.Errorf("exit %d after SIGINT, want 1", code)
	}
	es := rbEntries(h)
	if len(es) != 1 {
		h.Fatalf("journal entries = %d", len(es))
	}
	rbCheckEntry(h, es[0], journal.Interrupted, 3, 2, "sigint drill")
	rbLockFree(h)
}

func TestSafeRollbackRequireDigests(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbHelm(h, true, "--set", "services.authority.image=registry.example/stellaops/authority:1.0")
	rbHelm(h, false, "--set", "services.authority.image=registry.example/stellaops/authority:1.0", "--set-json", rbCrash)
	r := rbRun(h, "--require-digests")
	if r.Code != 5 || !strings.Contains(r.Stderr, "Deployment/stellaops-authority/authority (registry.example/stellaops/authority:1.0)") {
		h.Fatalf("exit %d, want 5 naming the unpinned image:\n%s", r.Code, r.Stderr)
	}
	if n := len(rbHistory(h)); n != 2 || len(rbEntries(h)) != 0 {
		h.Fatalf("refusal changed something: %d revisions", n)
	}
}

// TestSafeRollbackWithTheDocumentedRole runs a rollback as a ServiceAccount
// bound to exactly the Role published in docs/safe-rollback.md.
func TestSafeRollbackWithTheDocumentedRole(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	kc := h.ServiceAccountKubeconfig("rollbacker", h.DocRole("safe-rollback.md", "role:begin"))
	rbHelm(h, true)
	rbHelm(h, false, "--set-json", rbCrash)
	r := h.RunEnv([]string{"KUBECONFIG=" + kc}, h.Plugin("helm-stella"), "safe-rollback", rbRel, "-n", h.Namespace, "--timeout", "2m", "--reason", "rbac")
	if r.Code != 0 {
		h.Fatalf("as the ServiceAccount: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	es := rbEntries(h)
	if len(es) != 1 || !strings.HasPrefix(es[0].Who.User, "system:serviceaccount:"+h.Namespace+":") {
		h.Fatalf("journal = %+v", es)
	}
	rbCheckEntry(h, es[0], journal.Succeeded, 2, 1, "rbac")
}
