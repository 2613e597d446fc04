//go:build e2e

package e2e

import (
	"context"
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// Faults on the shared control plane, each in the test's own namespace and
// repeated fRuns times with randomised timing. The kube-apiserver kill
// cases need their own control plane: faults_api_test.go.

const fRuns = 5

func fPromoteArgs(h *harness.T, suite, values string, extra ...string) []string {
	return append([]string{"promote", "stellaops", h.Example("deploy/helm/stellaops"), "-f", values,
		"--config", h.Example("deploy/channels.yaml"), "--channel", "stable", "--smoke-suite", suite,
		"--lock-timeout", "30s", "-n", h.Namespace}, extra...)
}

// fSettled asserts the invariants after every fault: release deployed
// (nothing pending), Lease released, journal's last entry not in progress.
func fSettled(h *harness.T, what string) {
	h.Helper()
	if s := h.HelmStatus(rbRel); s != "deployed" {
		h.Fatalf("%s: release %s, want deployed\nhistory %+v", what, s, rbHistory(h))
	}
	rbLockFree(h)
	if es := rbEntries(h); len(es) > 0 && es[len(es)-1].Outcome == journal.InProgress {
		h.Fatalf("%s: journal's last entry still in progress: %+v", what, es[len(es)-1])
	}
}

func fSignal(i int) syscall.Signal {
	if i%2 == 0 {
		return syscall.SIGINT
	}
	return syscall.SIGTERM
}

// TestFaultSignalsPromote: SIGINT/SIGTERM at a random point (preflight,
// lock, bookmark, upgrade, wait) of a promote whose new revision is never
// ready: refused/interrupted before the change, or rolled back; always
// exit ≠ 0, Lease released, release deployed, outcome journaled.
func TestFaultSignalsPromote(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	suite := h.EndpointsSuite()
	h.Must(h.Run(h.Plugin("helm-stella"), fPromoteArgs(h, suite, h.Example("deploy/helm/stellaops/values-stage.yaml"))...))
	never := h.StageValues("never.yaml", "podAnnotations:\n  authority:\n    stella.test/simulate: never-ready\n")
	for i := range fRuns {
		delay := time.Duration(rand.IntN(6000)) * time.Millisecond
		p := harness.Start(t, h.Env.Kubeconfig, h.Plugin("helm-stella"), fPromoteArgs(h, suite, never, "--timeout", "5m")...)
		time.Sleep(delay)
		_ = p.Cmd.Process.Signal(fSignal(i))
		code := p.Wait(t, 150*time.Second)
		what := fmt.Sprintf("run %d: %s after %s", i, fSignal(i), delay)
		t.Logf("%s: exit %d; %s", what, code, harness.LastLine(p.Stderr()))
		if code == 0 {
			t.Fatalf("%s: interrupted promote exited 0\n%s", what, p.Stdout())
		}
		fSettled(h, what)
		if es := rbEntries(h); len(es) > 0 && strings.Contains(p.Stderr(), "upgrade:") {
			if o := es[len(es)-1].Outcome; o != journal.Interrupted && o != journal.RolledBack && o != journal.Failed {
				t.Fatalf("%s: journal outcome %s", what, o)
			}
		}
	}
}

// TestFaultSignalsSafeRollback: SIGINT/SIGTERM at a random point of a
// safe-rollback away from a crash-looping revision: completed or
// interrupted, Lease released, release deployed, every time.
func TestFaultSignalsSafeRollback(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbHelm(h, true)
	for i := range fRuns {
		rbHelm(h, false, "--set-json", rbCrash)
		// from 1 s on: before that a loaded machine may still be running the
		// binary's package initialisers (no handler installed yet: the
		// signal kills it, exit -1) or flag parsing (nothing held yet:
		// exit 130 with nothing changed) — neither is a rollback drill.
		delay := time.Second + time.Duration(rand.IntN(3000))*time.Millisecond
		p := harness.Start(t, h.Env.Kubeconfig, h.Plugin("helm-stella"), "safe-rollback", rbRel, "-n", h.Namespace, "--timeout", "2m", "--reason", "signal drill")
		time.Sleep(delay)
		_ = p.Cmd.Process.Signal(fSignal(i))
		code := p.Wait(t, 60*time.Second)
		what := fmt.Sprintf("run %d: %s after %s", i, fSignal(i), delay)
		t.Logf("%s: exit %d; %s", what, code, harness.LastLine(p.Stderr()))
		if code != 0 && code != 1 {
			t.Fatalf("%s: exit %d, want 0 (completed) or 1 (interrupted)\n%s", what, code, p.Stderr())
		}
		if e := p.Stderr(); code == 1 && !strings.Contains(e, "interrupted") && !strings.Contains(e, "context canceled") {
			t.Fatalf("%s: exit 1 without saying interrupted:\n%s", what, p.Stderr())
		}
		if v := h.Must(h.Run(h.Helm3(), "get", "values", rbRel, "-n", h.Namespace, "-o", "json")); strings.Contains(v.Stdout, "crashloop") {
			// an interrupt before the Helm rollback leaves the crashing
			// revision deployed: the rerun completes it
			h.Must(h.Run(h.Plugin("helm-stella"), "safe-rollback", rbRel, "-n", h.Namespace, "--revision", "1", "--timeout", "2m"))
		}
		fSettled(h, what)
	}
}

// fOperator is the admin kubeconfig's cluster with alice's or bob's user.
func fOperator(h *harness.T, who string) string {
	return filepath.Join(h.Env.StateDir, "kubeconfig-"+who)
}

// TestFaultTwoOperators: alice and bob start promote (even runs) or
// safe-rollback (odd runs) on one release at the same moment: exactly one
// proceeds, the other exits 5 naming the holder.
func TestFaultTwoOperators(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	suite := h.EndpointsSuite()
	h.Must(h.Run(h.Plugin("helm-stella"), fPromoteArgs(h, suite, h.Example("deploy/helm/stellaops/values-stage.yaml"))...))
	never := h.StageValues("never.yaml", "podAnnotations:\n  authority:\n    stella.test/simulate: never-ready\n")
	crash := h.StageValues("crash.yaml", "podAnnotations:\n  authority:\n    stella.test/simulate: crashloop\n")
	for i := range fRuns {
		args := fPromoteArgs(h, suite, never, "--timeout", "8s")
		if i%2 == 1 { // a crash-looping revision both want to roll back
			h.Must(h.Run(h.Helm3(), "upgrade", rbRel, h.Example("deploy/helm/stellaops"), "-n", h.Namespace, "-f", crash))
			args = []string{"safe-rollback", rbRel, "-n", h.Namespace, "--timeout", "1m", "--reason", "race"}
		}
		var ps [2]*harness.Proc
		var wg sync.WaitGroup
		for k, who := range []string{"alice", "bob"} {
			wg.Add(1)
			go func() { defer wg.Done(); ps[k] = harness.Start(t, fOperator(h, who), h.Plugin("helm-stella"), args...) }()
		}
		wg.Wait()
		codes := [2]int{ps[0].Wait(t, 150*time.Second), ps[1].Wait(t, 150*time.Second)}
		refused, winner := -1, -1
		for k := range ps {
			if codes[k] == 5 {
				refused = k
			} else {
				winner = k
			}
		}
		what := fmt.Sprintf("run %d (%s): exits %v", i, args[0], codes)
		if refused < 0 || winner < 0 {
			t.Fatalf("%s: want exactly one refused (5)\nalice:\n%s\nbob:\n%s", what, ps[0].Stderr(), ps[1].Stderr())
		}
		holder := []string{"alice", "bob"}[winner]
		if !strings.Contains(ps[refused].Stderr(), holder) {
			t.Fatalf("%s: refusal does not name %s:\n%s", what, holder, ps[refused].Stderr())
		}
		t.Logf("%s: %s proceeded (%s), the other: %s", what, holder, harness.LastLine(ps[winner].Stderr()), harness.LastLine(ps[refused].Stderr()))
		fSettled(h, what)
	}
}

// TestFaultDeploymentEditedBeforeRollback: after the bookmark and the bad
// upgrade, someone else edits the Deployment (scale, image, annotation) at a
// random moment; safe-rollback --to-bookmark still restores the target.
func TestFaultDeploymentEditedBeforeRollback(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbHelm(h, true)
	h.Must(h.Run(h.Plugin("kubectl-stella"), "bookmark", rbRel, "-n", h.Namespace, "--name", "good"))
	want := fDeploy(h)
	edits := [][]string{
		{"scale", "deployment/stellaops-authority", "--replicas", "3"},
		{"set", "image", "deployment/stellaops-authority", "authority=registry.example/someone-else:1"},
		{"annotate", "deployment/stellaops-authority", "someone=else", "--overwrite"},
		{"patch", "deployment/stellaops-authority", "-p", `{"spec":{"template":{"metadata":{"labels":{"edited":"yes"}}}}}`},
		{"set", "env", "deployment/stellaops-authority", "EDITED=1"},
	}
	for i := range fRuns {
		rbHelm(h, false, "--set-json", rbCrash)
		time.Sleep(time.Duration(rand.IntN(2000)) * time.Millisecond)
		h.Must(h.Run(h.Kubectl(), append(edits[i], "-n", h.Namespace)...))
		r := h.Must(h.Run(h.Plugin("helm-stella"), "safe-rollback", rbRel, "-n", h.Namespace, "--to-bookmark", "good", "--timeout", "2m"))
		got := fDeploy(h)
		if got.image != want.image || got.replicas != want.replicas || strings.Contains(got.annotations, "crashloop") {
			t.Fatalf("run %d (%s): after rollback %+v, want %+v\n%s", i, edits[i][0], got, want, r.Stdout)
		}
		fSettled(h, fmt.Sprintf("run %d", i))
	}
}

type fDeployState struct{ image, replicas, annotations string }

func fDeploy(h *harness.T) fDeployState {
	h.Helper()
	r := h.Must(h.Run(h.Kubectl(), "get", "deployment/stellaops-authority", "-n", h.Namespace, "-o",
		`jsonpath={.spec.template.spec.containers[0].image}|{.spec.replicas}|{.spec.template.metadata.annotations}`))
	f := strings.SplitN(r.Stdout, "|", 3)
	return fDeployState{f[0], f[1], f[2]}
}

// f429Proxy is a loopback reverse proxy to the API server that answers
// 429 with Retry-After: 1 to the first n requests after each reset.
type f429Proxy struct {
	left, throttled atomic.Int32
	url             string
}

func newF429Proxy(t *testing.T, apiserver, token string) *f429Proxy {
	target, err := url.Parse(apiserver)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	direct := rp.Director
	rp.Director = func(r *http.Request) { // clients send no bearer token over plain http
		direct(r)
		r.Header.Set("Authorization", "Bearer "+token)
	}
	rp.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} // loopback test proxy
	p := &f429Proxy{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.left.Add(-1) >= 0 {
			p.throttled.Add(1)
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too many requests","reason":"TooManyRequests","code":429}`)
			return
		}
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	p.url = "http://" + ln.Addr().String()
	return p
}

// TestFaultThrottled429: every command behind a proxy answering 429 with
// Retry-After to its first requests still succeeds (client-go retries).
func TestFaultThrottled429(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbHelm(h, true)
	rbHelm(h, true, "--set-json", rbNote)
	raw, err := clientcmd.LoadFromFile(h.Env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cl := raw.Clusters[raw.Contexts[raw.CurrentContext].Cluster]
	p := newF429Proxy(t, cl.Server, raw.AuthInfos[raw.Contexts[raw.CurrentContext].AuthInfo].Token)
	cl.Server, cl.CertificateAuthorityData = p.url, nil
	raw.Contexts[raw.CurrentContext].Namespace = h.Namespace
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*raw, kc); err != nil {
		t.Fatal(err)
	}
	suite := h.EndpointsSuite()
	cmds := [][]string{
		{"kubectl-stella", "bookmark", rbRel},
		{"kubectl-stella", "verify-pods", rbRel},
		{"kubectl-stella", "smoke", rbRel, "-f", suite},
		{"helm-stella", "safe-rollback", rbRel, "-n", h.Namespace, "--timeout", "2m"},
		{"kubectl-stella", "journal", rbRel},
		{"helm-stella", "promote", "stellaops", h.Example("deploy/helm/stellaops"), "-f", h.Example("deploy/helm/stellaops/values-stage.yaml"),
			"--config", h.Example("deploy/channels.yaml"), "--channel", "stable", "--smoke-suite", suite, "-n", h.Namespace},
	}
	for _, c := range cmds {
		for range fRuns / 2 {
			p.throttled.Store(0)
			p.left.Store(int32(1 + rand.IntN(3)))
			r := h.RunEnv([]string{"KUBECONFIG=" + kc, "HELM_NAMESPACE=" + h.Namespace}, h.Plugin(c[0]), c[1:]...)
			if r.Code != 0 || p.throttled.Load() == 0 {
				t.Fatalf("%s behind 429s: exit %d, %d throttled\nstdout:\n%s\nstderr:\n%s", c[1], r.Code, p.throttled.Load(), r.Stdout, r.Stderr)
			}
			t.Logf("%s: %d requests answered 429, exit 0 in %s", c[1], p.throttled.Load(), r.Duration.Round(time.Millisecond))
		}
	}
	if _, err := h.Client.CoordinationV1().Leases(h.Namespace).List(context.Background(), metav1.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	fSettled(h, "after the throttled runs")
}
