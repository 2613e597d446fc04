//go:build e2e

package e2e

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// secEnv runs every command with values files holding known secret strings
// and remembers every output, to grep them all.
type secEnv struct {
	h       *harness.T
	dir     string
	secrets []string // every secret string (old and new values)
	runs    []secRun
}

type secRun struct {
	args []string
	r    harness.Result
}

func secRandom(t *testing.T, prefix string) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// values writes values-dev.yaml plus secrets (and extra) under name.
func (e *secEnv) values(name, mongo, client, extra string) string {
	e.h.Helper()
	b, err := os.ReadFile(e.h.Example("deploy/helm/stellaops/values-dev.yaml"))
	if err != nil {
		e.h.Fatal(err)
	}
	s := string(b) + "\nsecrets:\n  mongoPassword: \"" + mongo + "\"\n  authorityClientSecret: \"" + client + "\"\n" + extra
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		e.h.Fatal(err)
	}
	return p
}

// run runs bin (helm-stella or kubectl-stella) and expects exit code.
func (e *secEnv) run(code int, bin string, args ...string) harness.Result {
	e.h.Helper()
	r := e.h.Run(e.h.Plugin(bin), args...)
	e.runs = append(e.runs, secRun{append([]string{bin}, args...), r})
	if r.Code != code {
		e.h.Fatalf("%s %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", bin, args, r.Code, code, r.Stdout, r.Stderr)
	}
	return r
}

// leaks lists the secret strings (verbatim or base64, as in a Secret's
// data) found in s.
func (e *secEnv) leaks(s string) []string {
	var found []string
	for _, sec := range e.secrets {
		if strings.Contains(s, sec) || strings.Contains(s, base64.StdEncoding.EncodeToString([]byte(sec))) {
			found = append(found, sec)
		}
	}
	return found
}

// TestSecretsNeverPrinted runs every command of both plugins with values
// holding known secrets — align (-f, --lint, a malformed file), promote
// (--plan, an upgrade changing the secret, a crash-looping upgrade rolled
// back), safe-rollback (--plan and a real one), bookmark create/list/show in
// every format, verify-pods, smoke and journal (every format, markdown) —
// and asserts no stdout or stderr holds them, no object of the namespace
// other than a Secret holds them (journal ConfigMaps included), and that
// bookmark show --show-values is the one way out.
func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	e := &secEnv{h: h, dir: t.TempDir()}
	mongo1, client1 := secRandom(t, "S3cr3t-"), secRandom(t, "Cl13nt-")
	mongo2, client2 := secRandom(t, "S3cr3t-"), secRandom(t, "Cl13nt-")
	e.secrets = []string{mongo1, client1, mongo2, client2}
	v1 := e.values("v1.yaml", mongo1, client1, "")
	v2 := e.values("v2.yaml", mongo2, client2, "podAnnotations:\n  authority:\n    note: v2\n")
	crash := e.values("crash.yaml", mongo2, client2, "podAnnotations:\n  authority:\n    stella.test/simulate: crashloop\n")
	broken := filepath.Join(e.dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("secrets:\n  mongoPassword: ["+mongo1+"\n  authorityClientSecret: {"+client1+": \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	suite := filepath.Join(e.dir, "smoke.yaml")
	if err := os.WriteFile(suite, []byte("release: stellaops\ntimeout: 20s\nchecks:\n  - name: endpoints\n    endpoints: {min: 1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const H, K = "helm-stella", "kubectl-stella"
	chart, config := h.Example("deploy/helm/stellaops"), h.Example("deploy/channels.yaml")
	ns := []string{"-n", h.Namespace}

	// align: check, lint, every format, and an error message
	for _, o := range []string{"table", "json", "yaml"} {
		e.run(0, H, "align", "--config", config, "--channel", "edge", "-f", v1, "-o", o)
	}
	e.run(0, H, "align", "--config", config, "--channel", "edge", "-f", v1, "--lint")
	e.run(0, H, "align", "--config", config, "--channel", "edge", "-f", v2, "--lint", "-o", "json")
	e.run(4, H, "align", "--config", config, "--channel", "edge", "-f", broken)

	// promote: install, plan of a secret change, the change, a crash loop rolled back
	pr := func(vals string, extra ...string) []string {
		return append([]string{"promote", "stellaops", chart, "-f", vals, "--config", config, "--channel", "edge",
			"--smoke-suite", suite, "--lock-timeout", "30s"}, extra...)
	}
	e.run(0, H, pr(v1)...)
	e.run(0, H, pr(v2, "--plan")...)
	plan := e.run(0, H, pr(v2, "--plan", "-o", "json")...)
	if !strings.Contains(plan.Stdout, "secrets.mongoPassword") {
		t.Errorf("promote --plan does not show that secrets.mongoPassword changes (masked):\n%s", plan.Stdout)
	}
	e.run(0, H, pr(v2, "-o", "yaml")...)
	e.run(2, H, pr(crash, "-o", "json")...)
	e.run(4, H, pr(broken)...)

	// bookmark: create, list, show in every format
	name := "sec-json"
	for _, o := range []string{"json", "yaml", "table"} {
		e.run(0, K, append([]string{"bookmark", "stellaops", "--name", "sec-" + o, "-o", o, "--note", "secrets test"}, ns...)...)
		e.run(0, K, append([]string{"bookmark", "list", "stellaops", "-o", o}, ns...)...)
		e.run(0, K, append([]string{"bookmark", "show", name, "-o", o}, ns...)...)
	}

	// verify-pods and smoke
	for _, o := range []string{"table", "json", "yaml"} {
		e.run(0, K, append([]string{"verify-pods", "stellaops", "--logs", "-o", o}, ns...)...)
		e.run(0, K, append([]string{"smoke", "stellaops", "-f", suite, "-o", o}, ns...)...)
	}

	// safe-rollback: plans in every format, then a real one to revision 1
	for _, o := range []string{"table", "json", "yaml"} {
		e.run(0, H, "safe-rollback", "stellaops", "--revision", "1", "--plan", "-o", o)
	}
	e.run(0, H, "safe-rollback", "stellaops", "--revision", "1", "--smoke", suite, "--reason", "secrets test")

	// journal in every format
	for _, o := range []string{"table", "json", "yaml"} {
		e.run(0, K, append([]string{"journal", "stellaops", "-o", o}, ns...)...)
	}
	e.run(0, K, append([]string{"journal", "stellaops", "--format", "markdown"}, ns...)...)

	for _, r := range e.runs {
		if l := e.leaks(r.r.Stdout + r.r.Stderr); len(l) > 0 {
			t.Errorf("%v prints secret(s) %v\nstdout:\n%s\nstderr:\n%s", r.args, l, r.r.Stdout, r.r.Stderr)
		}
	}
	secCheckObjects(t, e)
	secShowValues(t, e, name)
}

// secCheckObjects reads back every object of the namespace: only Secrets
// (Helm's release storage, the chart's Secret, bookmarks) may hold the
// secrets; every journal ConfigMap is read and must not.
func secCheckObjects(t *testing.T, e *secEnv) {
	t.Helper()
	objs := biList(t, e.h.Env.Kubeconfig, e.h.Namespace)
	journals := 0
	for _, o := range objs {
		if o.GetKind() == "Secret" && o.GetAPIVersion() == "v1" {
			continue
		}
		if o.GetKind() == "ConfigMap" && strings.HasPrefix(o.GetName(), "stella-journal-") {
			journals++
		}
		b, err := json.Marshal(o.Object)
		if err != nil {
			t.Fatal(err)
		}
		if l := e.leaks(string(b)); len(l) > 0 {
			t.Errorf("%s %s stores secret(s) %v", o.GetKind(), o.GetName(), l)
		}
	}
	if journals < 4 {
		t.Errorf("read %d journal ConfigMaps, want one per promote/safe-rollback (≥ 4)", journals)
	}
	bms, err := e.h.Client.CoreV1().Secrets(e.h.Namespace).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range bms.Items {
		if s.Type == bookmark.SecretType {
			n++
		}
	}
	if n < 5 { // 3 by promote (before each upgrade), 3 by hand
		t.Errorf("%d bookmark Secrets, want ≥ 5", n)
	}
}

// secShowValues: --show-values is the one way out, in every format.
func secShowValues(t *testing.T, e *secEnv, name string) {
	t.Helper()
	for _, o := range []string{"json", "yaml", "table"} {
		r := e.h.Must(e.h.Run(e.h.Plugin("kubectl-stella"), "bookmark", "show", name, "--show-values", "-o", o, "-n", e.h.Namespace))
		if l := e.leaks(r.Stdout); len(l) != 2 {
			t.Errorf("bookmark show --show-values -o %s shows %v, want the bookmarked revision's two secrets:\n%s", o, l, r.Stdout)
		}
	}
}
