//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	helmtime "helm.sh/helm/v3/pkg/time"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

const (
	rbRel    = "stellaops"
	rbSecret = "e2e-Rb-M0ngoPassw0rd"
	rbCrash  = `podAnnotations={"authority":{"stella.test/simulate":"crashloop"}}`
	rbNote   = `podAnnotations={"authority":{"stella.test/note":"v2"}}`
)

// rbHelm runs helm3 upgrade --install of the example chart with the values
// secret that must never appear in any output.
func rbHelm(h *harness.T, wait bool, extra ...string) {
	h.Helper()
	args := append([]string{"upgrade", "--install", rbRel, h.Example("deploy/helm/stellaops"),
		"-f", h.Example("deploy/helm/stellaops/values-dev.yaml"), "--set", "secrets.mongoPassword=" + rbSecret,
		"-n", h.Namespace, "--timeout", "2m"}, extra...)
	if wait {
		args = append(args, "--wait")
	}
	h.Must(h.Run(h.Helm3(), args...))
}

// rbRun runs helm stella safe-rollback and checks no output leaks the secret.
func rbRun(h *harness.T, args ...string) harness.Result {
	h.Helper()
	r := h.Run(h.Plugin("helm-stella"), append([]string{"safe-rollback", rbRel, "-n", h.Namespace}, args...)...)
	if strings.Contains(r.Stdout+r.Stderr, rbSecret) {
		h.Fatalf("safe-rollback output leaks the mongo password:\n%s\n%s", r.Stdout, r.Stderr)
	}
	return r
}

type rbResult struct {
	Decision struct {
		Target struct {
			Revision int
			Bookmark string
			Restore  bool
		}
	}
	NewRevision int
	Recovered   int
	Outcome     string
	Verify      struct {
		Verdict   string
		Workloads []struct {
			Findings []struct{ Reason string }
		}
	}
}

func rbJSON(h *harness.T, r harness.Result) rbResult {
	h.Helper()
	var res rbResult
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		h.Fatalf("safe-rollback -o json: %v\n%s\n%s", err, r.Stdout, r.Stderr)
	}
	return res
}

func rbEntries(h *harness.T) []journal.Entry {
	h.Helper()
	es, err := journal.New(h.Client, h.Namespace).List(context.Background(), rbRel, time.Time{})
	if err != nil {
		h.Fatalf("journal: %v", err)
	}
	return es
}

// rbHistory is helm3 history as revision → release fields.
func rbHistory(h *harness.T) map[int]struct{ Status, Description string } {
	h.Helper()
	out := h.Must(h.Run(h.Helm3(), "history", rbRel, "-n", h.Namespace, "-o", "json")).Stdout
	var list []struct {
		Revision            int
		Status, Description string
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		h.Fatalf("helm history: %v\n%s", err, out)
	}
	m := map[int]struct{ Status, Description string }{}
	for _, r := range list {
		m[r.Revision] = struct{ Status, Description string }{r.Status, r.Description}
	}
	return m
}

// rbCheckEntry asserts the fields every final safe-rollback entry has.
func rbCheckEntry(h *harness.T, e journal.Entry, outcome journal.Outcome, from, to int, reason string) {
	h.Helper()
	if e.Operation != journal.SafeRollback || e.Release != rbRel || e.Namespace != h.Namespace {
		h.Errorf("entry identity = %s %s/%s", e.Operation, e.Namespace, e.Release)
	}
	if e.Outcome != outcome || e.From.Revision != from || e.To.Revision != to || e.Reason != reason {
		h.Errorf("entry = outcome %s %d → %d reason %q, want %s %d → %d %q", e.Outcome, e.From.Revision, e.To.Revision, e.Reason, outcome, from, to, reason)
	}
	if e.Who.User == "" || e.Start.IsZero() || !e.End.After(e.Start) || e.Duration <= 0 || e.RollbackDuration != e.Duration {
		h.Errorf("entry who/when = %+v start %s end %s duration %v rollback %v", e.Who, e.Start, e.End, e.Duration, e.RollbackDuration)
	}
	if e.From.ChartVersion == "" || e.To.ChartVersion == "" {
		h.Errorf("entry chart versions = %q → %q", e.From.ChartVersion, e.To.ChartVersion)
	}
	if b, _ := json.Marshal(e); strings.Contains(string(b), rbSecret) {
		h.Errorf("journal entry holds the secret")
	}
}

func TestSafeRollbackAfterCrashloop(t *testing.T) {
	h := harness.New(t)
	rbHelm(h, true)
	rbHelm(h, false, "--set-json", rbCrash)

	plan := rbRun(h, "--plan")
	if plan.Code != 0 || !strings.Contains(plan.Stdout, "2 → 1") || !strings.Contains(plan.Stdout, "podAnnotations.authority") ||
		!strings.Contains(plan.Stdout, "nothing changed") {
		h.Fatalf("--plan exit %d:\n%s\n%s", plan.Code, plan.Stdout, plan.Stderr)
	}
	if n := len(rbHistory(h)); n != 2 || len(rbEntries(h)) != 0 {
		h.Fatalf("--plan changed something: %d revisions", n)
	}

	suite := filepath.Join(t.TempDir(), "smoke.yaml")
	if err := os.WriteFile(suite, []byte("release: stellaops\nchecks:\n  - name: authority-endpoints\n    endpoints: {min: 1, services: [stellaops-authority]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := rbRun(h, "--reason", "authority crashloop", "--timeout", "2m", "--smoke", suite, "-o", "json")
	res := rbJSON(h, r)
	if r.Code != 0 || res.Outcome != "succeeded" || res.Verify.Verdict != "healthy" || res.NewRevision != 3 || res.Decision.Target.Revision != 1 {
		h.Fatalf("exit %d result %+v\n%s", r.Code, res, r.Stderr)
	}
	if hist := rbHistory(h); hist[3].Status != "deployed" || hist[3].Description != "Rollback to 1" {
		h.Errorf("history = %+v", hist)
	}
	es := rbEntries(h)
	if len(es) != 1 {
		h.Fatalf("journal entries = %d, want 1", len(es))
	}
	rbCheckEntry(h, es[0], journal.Succeeded, 2, 1, "authority crashloop")
	if !strings.Contains(es[0].Notes, "helm rollback → revision 3") || len(es[0].Evidence) != 0 {
		h.Errorf("entry notes %q evidence %v", es[0].Notes, es[0].Evidence)
	}
	var sm struct{ Passed, Failed int }
	if err := json.Unmarshal(es[0].Smoke, &sm); err != nil || sm.Passed != 1 || sm.Failed != 0 {
		h.Errorf("journaled smoke = %s (%v)", es[0].Smoke, err)
	}
	md := h.Must(h.Run(h.Plugin("kubectl-stella"), "journal", rbRel, "-n", h.Namespace, "--format", "markdown")).Stdout
	if !strings.Contains(md, "| Date (UTC)") || !strings.Contains(md, "rollback") {
		h.Errorf("markdown rows:\n%s", md)
	}
}

func TestSafeRollbackOntoBrokenRevision(t *testing.T) {
	h := harness.New(t)
	rbHelm(h, true)
	rbHelm(h, false, "--set-json", rbCrash)
	rbHelm(h, true)
	r := rbRun(h, "--revision", "2", "--timeout", "90s", "--reason", "drill")
	if r.Code != 2 || !strings.Contains(r.Stdout, "CrashLoopBackOff") {
		h.Fatalf("exit %d, want 2 with evidence:\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	es := rbEntries(h)
	if len(es) != 1 {
		h.Fatalf("journal entries = %d", len(es))
	}
	rbCheckEntry(h, es[0], journal.Failed, 3, 2, "drill")
	found := false
	for _, ev := range es[0].Evidence {
		found = found || (ev.Reason == "CrashLoopBackOff" && strings.HasPrefix(ev.Pod, rbRel+"-authority-") && ev.Container == "authority" && len(ev.Events) > 0)
	}
	if !found {
		h.Errorf("evidence = %+v, want an authority CrashLoopBackOff", es[0].Evidence)
	}
}

func TestSafeRollbackRestoresPrunedFromBookmark(t *testing.T) {
	h := harness.New(t)
	rbHelm(h, true, "--history-max", "2")
	h.Must(h.Run(h.Plugin("kubectl-stella"), "bookmark", rbRel, "--name", "rb-good", "-n", h.Namespace))
	rbHelm(h, true, "--history-max", "2", "--set-json", rbNote)
	rbHelm(h, false, "--history-max", "2", "--set-json", rbCrash)
	if _, ok := rbHistory(h)[1]; ok {
		h.Fatal("revision 1 not pruned")
	}
	r := rbRun(h, "--timeout", "2m", "-o", "json")
	res := rbJSON(h, r)
	if r.Code != 0 || !res.Decision.Target.Restore || res.Decision.Target.Bookmark != "rb-good" || res.NewRevision != 4 {
		h.Fatalf("exit %d result %+v\n%s", r.Code, res, r.Stderr)
	}
	if d := rbHistory(h)[4]; d.Status != "deployed" || d.Description != "stella safe-rollback to bookmark rb-good" {
		h.Errorf("revision 4 = %+v", d)
	}
	vals := h.Must(h.Run(h.Helm3(), "get", "values", rbRel, "-n", h.Namespace, "-o", "json")).Stdout
	if strings.Contains(vals, "crashloop") || !strings.Contains(vals, rbSecret) {
		h.Errorf("restored values are not the bookmark's")
	}
	es := rbEntries(h)
	if len(es) != 1 {
		h.Fatalf("journal entries = %d", len(es))
	}
	rbCheckEntry(h, es[0], journal.Succeeded, 3, 1, "")
	if !strings.Contains(es[0].Notes, "restored from bookmark rb-good → revision 4") {
		h.Errorf("notes = %q", es[0].Notes)
	}
}

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
	rbCheckEntry(h, es[0], journal.Succeeded, v, 2, "stuck upgrade")
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
	h := harness.New(t)
	b, err := os.ReadFile(filepath.Join(h.Env.Repo, "docs/safe-rollback.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := bmRoleBlock.FindSubmatch(b)
	if m == nil {
		t.Fatal("docs/safe-rollback.md has no role:begin/role:end YAML block")
	}
	var role rbacv1.Role
	if err := yaml.UnmarshalStrict(m[1], &role); err != nil {
		t.Fatalf("documented Role: %v", err)
	}
	kc := bmSAKubeconfig(h, &role)
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
