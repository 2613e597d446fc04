//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// promoteEnv is a staging namespace (the harness's) and a prod namespace
// behind two contexts of one temp kubeconfig, with the example deploy tree.
type promoteEnv struct {
	h                   *harness.T
	prod                string
	kubeconfig, dir     string
	stageVals, prodVals string
	suite               string
}

func newPromoteEnv(t *testing.T) *promoteEnv {
	h := harness.New(t)
	e := &promoteEnv{h: h, prod: h.Namespace + "-prod", dir: t.TempDir()}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: e.prod, Labels: map[string]string{"stella.test/e2e": "true"}}}
	if _, err := h.Client.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = h.Client.CoreV1().Namespaces().Delete(context.Background(), e.prod, metav1.DeleteOptions{})
	})
	raw, err := clientcmd.LoadFromFile(h.Env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cur := *raw.Contexts[raw.CurrentContext]
	stage, prod := cur, cur
	stage.Namespace, prod.Namespace = h.Namespace, e.prod
	raw.Contexts["stage"], raw.Contexts["prod"] = &stage, &prod
	raw.CurrentContext = "prod"
	e.kubeconfig = filepath.Join(e.dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*raw, e.kubeconfig); err != nil {
		t.Fatal(err)
	}
	e.stageVals = h.Example("deploy/helm/stellaops/values-stage.yaml")
	e.prodVals = h.Example("deploy/helm/stellaops/values-prod.yaml")
	// The channel's suite needs stand-in servers behind port-forwards; the
	// endpoints check proves the suite runs as part of promote.
	e.suite = e.write("smoke.yaml", "release: stellaops\ntimeout: 20s\nchecks:\n  - name: endpoints\n    endpoints: {min: 1}\n")
	return e
}

func (e *promoteEnv) write(name, content string) string {
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.h.Fatal(err)
	}
	return p
}

// values copies values-stage.yaml with extra appended (a full target, as
// align checks every -f file on its own).
func (e *promoteEnv) values(name, extra string, replace ...string) string {
	b, err := os.ReadFile(e.stageVals)
	if err != nil {
		e.h.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(replace); i += 2 {
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	return e.write(name, s+extra)
}

func (e *promoteEnv) args(ctx, values string, extra ...string) []string {
	a := []string{"promote", "stellaops", e.h.Example("deploy/helm/stellaops"), "-f", values, "--kube-context", ctx,
		"--config", e.h.Example("deploy/channels.yaml"), "--channel", "stable", "--smoke-suite", e.suite, "--lock-timeout", "30s"}
	return append(a, extra...)
}

func (e *promoteEnv) promote(ctx, values string, extra ...string) harness.Result {
	return e.h.RunEnv([]string{"KUBECONFIG=" + e.kubeconfig, "HELM_NAMESPACE="}, e.h.Plugin("helm-stella"), e.args(ctx, values, extra...)...)
}

type helmStatus struct {
	Version int `json:"version"`
	Info    struct {
		Status string `json:"status"`
	} `json:"info"`
}

func (e *promoteEnv) status(ns string) helmStatus {
	r := e.h.Must(e.h.Run(e.h.Helm3(), "status", "stellaops", "-n", ns, "-o", "json"))
	var s helmStatus
	if err := json.Unmarshal([]byte(r.Stdout), &s); err != nil {
		e.h.Fatal(err)
	}
	return s
}

func (e *promoteEnv) lastEntry(ns string) journal.Entry {
	es, err := journal.New(e.h.Client, ns).List(context.Background(), "stellaops", time.Time{})
	if err != nil || len(es) == 0 {
		e.h.Fatalf("journal of %s: %v (%d entries)", ns, err, len(es))
	}
	return es[len(es)-1]
}

func expectExit(t *testing.T, r harness.Result, code int, what string) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.Code, code, r.Stdout, r.Stderr)
	}
}

func TestPromote(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	e := newPromoteEnv(t)
	stage := e.h.Namespace

	// First install, then a happy-path upgrade of staging.
	expectExit(t, e.promote("stage", e.stageVals), 0, "first install")
	r := e.promote("stage", e.stageVals, "-o", "json")
	expectExit(t, r, 0, "staging promote")
	var res struct {
		Outcome  string `json:"outcome"`
		Bookmark string `json:"bookmark"`
		From     struct{ Revision int }
		To       struct{ Revision int }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Outcome != "succeeded" || res.From.Revision != 1 || res.To.Revision != 2 || res.Bookmark == "" {
		t.Fatalf("staging promote: %+v", res)
	}
	ent := e.lastEntry(stage)
	if ent.Outcome != journal.Succeeded || ent.To.Revision != 2 || ent.Manifest.Version != "2025.09.2" || ent.Context != "stage" || len(ent.Smoke) == 0 || ent.Who.User == "" {
		t.Fatalf("staging journal entry: %+v", ent)
	}

	// Production, gated on staging in the same cluster.
	gate := "stage/" + stage + "/stellaops"
	r = e.promote("prod", e.prodVals, "--require-stage", gate)
	expectExit(t, r, 0, "prod promote")
	if !strings.Contains(r.Stdout, "passed: "+gate) {
		t.Fatalf("prod gate not reported:\n%s", r.Stdout)
	}
	if s := e.status(e.prod); s.Info.Status != "deployed" {
		t.Fatalf("prod: %+v", s)
	}

	t.Run("crashloop rolled back fast with evidence", func(t *testing.T) {
		crash := e.values("crash.yaml", "podAnnotations:\n  authority:\n    stella.test/simulate: crashloop\n")
		r := e.promote("stage", crash, "--timeout", "15m")
		expectExit(t, r, 2, "crashloop promote")
		if r.Duration > 30*time.Second {
			t.Fatalf("verdict and rollback took %s", r.Duration)
		}
		for _, want := range []string{"rolled-back", "to revision 2", "EVIDENCE", "CrashLoopBackOff", "authority"} {
			if !strings.Contains(r.Stdout, want) {
				t.Fatalf("output lacks %q:\n%s", want, r.Stdout)
			}
		}
		ent := e.lastEntry(stage)
		if ent.Outcome != journal.RolledBack || len(ent.Evidence) == 0 || ent.Evidence[0].Reason == "" || ent.RollbackDuration == 0 {
			t.Fatalf("journal entry: %+v", ent)
		}
		if s := e.status(stage); s.Info.Status != "deployed" || s.Version != 4 {
			t.Fatalf("after rollback: %+v", s)
		}
		v := e.h.Must(e.h.Run(e.h.Helm3(), "get", "values", "stellaops", "-n", stage, "-o", "json"))
		if strings.Contains(v.Stdout, "crashloop") {
			t.Fatalf("rolled-back release still has the crashloop values")
		}
	})

	t.Run("plan changes nothing", func(t *testing.T) {
		before := e.status(stage)
		ann := e.values("ann.yaml", "podAnnotations:\n  authority:\n    note: planned\n")
		r := e.promote("stage", ann, "--plan")
		expectExit(t, r, 0, "plan")
		for _, want := range []string{"Deployment/stellaops-authority/authority", "podAnnotations.authority.note"} {
			if !strings.Contains(r.Stdout, want) {
				t.Fatalf("plan lacks %q:\n%s", want, r.Stdout)
			}
		}
		if after := e.status(stage); after.Version != before.Version {
			t.Fatalf("plan changed the release %d → %d", before.Version, after.Version)
		}
	})

	t.Run("drifted values refused before any change", func(t *testing.T) {
		drift := e.values("drift.yaml", "", "sha256:de65905c", "sha256:00000000")
		before := e.status(stage)
		r := e.promote("stage", drift)
		expectExit(t, r, 2, "drift")
		if !strings.Contains(r.Stdout, "mismatch") {
			t.Fatalf("findings not shown:\n%s", r.Stdout)
		}
		if after := e.status(stage); after.Version != before.Version {
			t.Fatalf("revision changed %d → %d", before.Version, after.Version)
		}
	})

	t.Run("failing smoke rolled back", func(t *testing.T) {
		before := e.status(stage)
		bad := e.write("smoke-bad.yaml", "release: stellaops\ntimeout: 3s\nchecks:\n  - name: too-many-endpoints\n    endpoints: {min: 99}\n")
		a := append(e.args("stage", e.stageVals), "--smoke-suite", bad)
		r := e.h.RunEnv([]string{"KUBECONFIG=" + e.kubeconfig, "HELM_NAMESPACE="}, e.h.Plugin("helm-stella"), a...)
		expectExit(t, r, 2, "failing smoke")
		if !strings.Contains(r.Stdout, "rolled-back") || !strings.Contains(r.Stdout, "smoke failed") {
			t.Fatalf("output:\n%s", r.Stdout)
		}
		ent := e.lastEntry(stage)
		if ent.Outcome != journal.RolledBack || len(ent.Smoke) == 0 {
			t.Fatalf("journal entry: %+v", ent)
		}
		if s := e.status(stage); s.Info.Status != "deployed" || s.Version != before.Version+2 {
			t.Fatalf("after rollback: %+v (before %+v)", s, before)
		}
	})

	t.Run("concurrent promote refused", func(t *testing.T) {
		held, err := lock.Acquire(context.Background(), e.h.Client, stage, "stellaops", lock.Options{User: "bob", Operation: "promote", Duration: 30 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer held.Release(context.Background())
		r := e.promote("stage", e.stageVals)
		expectExit(t, r, 5, "locked")
		if !strings.Contains(r.Stderr, "bob") {
			t.Fatalf("refusal does not name the holder:\n%s", r.Stderr)
		}
	})

	t.Run("SIGINT mid-wait rolls back and releases the lock", func(t *testing.T) {
		before := e.status(stage)
		never := e.values("never.yaml", "podAnnotations:\n  authority:\n    stella.test/simulate: never-ready\n")
		cmd := exec.Command(e.h.Plugin("helm-stella"), e.args("stage", never, "--timeout", "15m")...)
		cmd.Env = append(os.Environ(), "KUBECONFIG="+e.kubeconfig, "HELM_NAMESPACE=", "NO_COLOR=1")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		e.h.Eventually(60*time.Second, "the wait to start", func() (bool, error) {
			return strings.Contains(errb.String(), "wait: up to"), nil
		})
		time.Sleep(time.Second)
		_ = cmd.Process.Signal(syscall.SIGINT)
		err := cmd.Wait()
		if err == nil {
			t.Fatalf("interrupted promote exited 0\n%s\n%s", out.String(), errb.String())
		}
		if !strings.Contains(out.String(), "interrupted") {
			t.Fatalf("outcome not interrupted:\n%s\n%s", out.String(), errb.String())
		}
		if s := e.status(stage); s.Info.Status != "deployed" || s.Version != before.Version+2 {
			t.Fatalf("after interrupt: %+v (before %+v)", s, before)
		}
		if _, err := e.h.Client.CoordinationV1().Leases(stage).Get(context.Background(), lock.Name("stellaops"), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Fatalf("lock not released: %v", err)
		}
		if ent := e.lastEntry(stage); ent.Outcome != journal.Interrupted {
			t.Fatalf("journal: %+v", ent)
		}
	})

	t.Run("prod refused while staging runs other digests", func(t *testing.T) {
		other := e.values("other.yaml", "", "sha256:de65905c", "sha256:11111111")
		e.h.Must(e.h.Run(e.h.Helm3(), "upgrade", "stellaops", e.h.Example("deploy/helm/stellaops"), "-n", stage, "-f", other))
		before := e.status(e.prod)
		r := e.promote("prod", e.prodVals, "--require-stage", gate)
		expectExit(t, r, 5, "prod gate")
		if !strings.Contains(r.Stdout+r.Stderr, "refused") {
			t.Fatalf("no refusal:\n%s\n%s", r.Stdout, r.Stderr)
		}
		if after := e.status(e.prod); after.Version != before.Version {
			t.Fatalf("prod changed %d → %d", before.Version, after.Version)
		}
	})
}
