//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// interop drives one release alternately with the helm v4 CLI and our
// plugin (Helm v3 SDK) and checks every step's result.
type interop struct {
	*promoteEnv
	t    *testing.T
	step int
}

// helm4 runs the helm v4 CLI on the release: verb is install, upgrade
// (both with the example chart) or rollback.
func (i *interop) helm4(verb string, flags ...string) {
	i.t.Helper()
	args := []string{verb, "stellaops"}
	if verb != "rollback" {
		args = append(args, i.h.Example("deploy/helm/stellaops"))
	}
	args = append(append(args, "-n", i.h.Namespace), flags...)
	i.h.Must(i.h.Run(i.h.Helm4(), args...))
}

// check asserts the step left revision rev deployed, readable by both helm
// CLIs, with the pod template's annotations exactly as that revision's
// values say, and every field of the Deployment owned by the "helm" manager
// (never the plugin's own name, which Helm 4 cannot take over).
func (i *interop) check(what string, rev int, want map[string]string) {
	i.t.Helper()
	i.step++
	for _, helm := range []string{i.h.Helm3(), i.h.Helm4()} {
		r := i.h.Run(helm, "history", "stellaops", "-n", i.h.Namespace, "-o", "json")
		var hist []struct {
			Revision int    `json:"revision"`
			Status   string `json:"status"`
		}
		if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &hist) != nil || len(hist) == 0 {
			i.t.Fatalf("step %d (%s): %s history: exit %d\n%s%s", i.step, what, helm, r.Code, r.Stdout, r.Stderr)
		}
		if last := hist[len(hist)-1]; last.Revision != rev || last.Status != "deployed" {
			i.t.Fatalf("step %d (%s): %s history ends with %+v, want revision %d deployed", i.step, what, helm, last, rev)
		}
	}
	d, err := i.h.Client.AppsV1().Deployments(i.h.Namespace).Get(context.Background(), "stellaops-authority", metav1.GetOptions{})
	if err != nil {
		i.t.Fatal(err)
	}
	got := d.Spec.Template.Annotations
	for k, v := range want {
		if got[k] != v {
			i.t.Fatalf("step %d (%s): annotation %s=%q, want %q (all: %v)", i.step, what, k, got[k], v, got)
		}
	}
	for _, k := range []string{"note", "promoted-only"} {
		if _, ok := want[k]; !ok && got[k] != "" {
			i.t.Fatalf("step %d (%s): annotation %s=%q survived a revision without it", i.step, what, k, got[k])
		}
	}
	for _, m := range d.ManagedFields {
		if m.Manager != "helm" && m.Manager != "kube-controller-manager" {
			i.t.Fatalf("step %d (%s): field manager %q (%s) on the Deployment", i.step, what, m.Manager, m.Operation)
		}
	}
	i.t.Logf("step %d: %s → revision %d", i.step, what, rev)
}

// TestHelm4Interop: helm v4 install → promote → helm v4 upgrade →
// safe-rollback → helm v4 rollback → promote → helm v4 upgrade
// --server-side=true (Helm 4 takes the fields over from client-side apply)
// → promote → safe-rollback --to-bookmark of the v4-installed revision.
func TestHelm4Interop(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	i := &interop{promoteEnv: newPromoteEnv(t), t: t}
	note := func(name, n string, extra string) string {
		return i.values(name, "podAnnotations:\n  authority:\n    note: "+n+"\n"+extra)
	}
	promote := func(values string) string {
		t.Helper()
		r := i.promote("stage", values, "-o", "json")
		expectExit(t, r, 0, "promote")
		var res struct{ Bookmark string }
		if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
			t.Fatal(err)
		}
		return res.Bookmark
	}
	rollback := func(args ...string) {
		t.Helper()
		a := append([]string{"safe-rollback", "stellaops", "-n", i.h.Namespace, "--lock-timeout", "30s"}, args...)
		expectExit(t, i.h.Run(i.h.Plugin("helm-stella"), a...), 0, "safe-rollback")
	}

	i.helm4("install", "-f", note("v1.yaml", "v4-install", ""))
	i.check("helm v4 install (server-side apply)", 1, map[string]string{"note": "v4-install"})
	bm := promote(note("v2.yaml", "promoted", "    promoted-only: \"yes\"\n"))
	i.check("helm stella promote", 2, map[string]string{"note": "promoted", "promoted-only": "yes"})
	i.helm4("upgrade", "-f", note("v3.yaml", "v4-upgrade", ""))
	i.check("helm v4 upgrade", 3, map[string]string{"note": "v4-upgrade"})
	rollback("--revision", "2")
	i.check("helm stella safe-rollback --revision 2", 4, map[string]string{"note": "promoted", "promoted-only": "yes"})
	i.helm4("rollback")
	i.check("helm v4 rollback", 5, map[string]string{"note": "v4-upgrade"})
	promote(note("v6.yaml", "promoted-again", ""))
	i.check("helm stella promote", 6, map[string]string{"note": "promoted-again"})
	// Helm 4 moves the release to server-side apply: it takes over only the
	// fields its own manager wrote, so ours must carry that name.
	i.helm4("upgrade", "--server-side=true", "-f", note("v7.yaml", "v4-ssa", ""))
	i.check("helm v4 upgrade --server-side=true", 7, map[string]string{"note": "v4-ssa"})
	promote(note("v8.yaml", "promoted-over-ssa", ""))
	i.check("helm stella promote over server-side apply", 8, map[string]string{"note": "promoted-over-ssa"})
	rollback("--to-bookmark", bm)
	i.check("helm stella safe-rollback --to-bookmark (the v4-installed revision)", 9, map[string]string{"note": "v4-install"})
	i.helm4("upgrade", "-f", note("v10.yaml", "v4-last", ""))
	i.check("helm v4 upgrade after the restore", 10, map[string]string{"note": "v4-last"})
	if s := strings.TrimSpace(i.h.Must(i.h.Run(i.h.Helm4(), "get", "metadata", "stellaops", "-n", i.h.Namespace)).Stdout); !strings.Contains(s, "REVISION: 10") {
		t.Fatalf("helm v4 get metadata:\n%s", s)
	}
}
