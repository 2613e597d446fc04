//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// The committed local release pins the digest the harness builds: the
// stand-in image is reproducible, so the pin holds on every machine.
func TestRealNodeReleasePinsTheBuiltImage(t *testing.T) {
	h := harness.New(t)
	rn := h.NeedRealNode()
	b, err := os.ReadFile(h.Example("deploy/releases/2025.10.1-local.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if d := rn.StandinDigest(); d == "" || strings.Count(string(b), "@"+d) != 8 {
		t.Fatalf("release manifest does not pin the built stand-in %s (STANDIN_IMAGE=%s) for all 8 components",
			d, rn.Images["STANDIN_IMAGE"])
	}
}

// Healthy promote on real pods: install, upgrade, verify-pods against the
// manifest from the kubelet's real imageIDs, smoke through port-forwards into
// the real containers (/version reports the channel), helm test pods that
// really run, and a bookmark that records the running digests. Then the
// failures a real kubelet reports, each decided fast and rolled back.
func TestRealNodePromote(t *testing.T) {
	e := newRealNode(t)
	h := e.h
	vals := h.Example("deploy/helm/stellaops/values-local.yaml")

	r := e.promote(vals, "--timeout", "2m")
	expectExit(t, r, 0, "install on the real node")
	t0 := time.Now()
	r = e.promote(vals, "--timeout", "2m", "-o", "json")
	expectExit(t, r, 0, "healthy upgrade on the real node")
	var res struct {
		Outcome  string `json:"outcome"`
		Bookmark string `json:"bookmark"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || res.Outcome != "succeeded" || res.Bookmark == "" {
		t.Fatalf("healthy upgrade: %v %+v\n%s", err, res, r.Stdout)
	}
	t.Logf("healthy upgrade (verify + smoke) in %s", time.Since(t0).Round(time.Millisecond))
	ent := e.lastEntry()
	if len(ent.Smoke) == 0 {
		t.Fatalf("promote journaled no smoke results")
	}
	pods := h.PodsOn(e.rn.Name)
	if len(pods) < 9 {
		t.Fatalf("%d pods on the real node %s, want the release's 9", len(pods), e.rn.Name)
	}
	for _, p := range pods {
		for _, cs := range p.Status.ContainerStatuses {
			if !strings.HasSuffix(cs.ImageID, "@"+e.rn.StandinDigest()) {
				t.Fatalf("%s/%s runs imageID %q, want the stand-in %s", p.Name, cs.Name, cs.ImageID, e.rn.StandinDigest())
			}
		}
	}

	t.Run("verify-pods matches the manifest from real imageIDs", func(t *testing.T) {
		r := h.Run(h.Plugin("kubectl-stella"), "verify-pods", "stellaops", "-n", h.Namespace,
			"--channel", "local", "--config", h.Example("deploy/channels.yaml"), "-o", "json")
		expectExit(t, r, 0, "verify-pods")
		if !strings.Contains(r.Stdout, e.rn.StandinDigest()) {
			t.Fatalf("verify-pods does not report the running digest:\n%s", r.Stdout)
		}
	})

	t.Run("smoke reaches the real containers", func(t *testing.T) {
		r := h.Run(h.Plugin("kubectl-stella"), "smoke", "stellaops", "-n", h.Namespace,
			"--channel", "local", "--config", h.Example("deploy/channels.yaml"), "-o", "json")
		expectExit(t, r, 0, "smoke")
		for _, want := range []string{"authority-version", "helm-tests", "web-ui-readiness"} {
			if !strings.Contains(r.Stdout, want) {
				t.Fatalf("smoke output lacks %s:\n%s", want, r.Stdout)
			}
		}
		p, err := h.Client.CoreV1().Pods(h.Namespace).Get(t.Context(), "stellaops-test-health", metav1.GetOptions{})
		if err != nil || p.Spec.NodeName != e.rn.Name || p.Status.Phase != "Succeeded" {
			t.Fatalf("helm test pod: %v node %q phase %q", err, p.Spec.NodeName, p.Status.Phase)
		}
	})

	t.Run("bookmark records the real running digests", func(t *testing.T) {
		r := h.Must(h.Run(h.Plugin("kubectl-stella"), "bookmark", "show", res.Bookmark, "-n", h.Namespace, "-o", "json"))
		if strings.Count(r.Stdout, e.rn.StandinDigest()) < 8 {
			t.Fatalf("bookmark %s does not record the running stand-in digest:\n%s", res.Bookmark, r.Stdout)
		}
	})

	t.Run("crash loop: certain failure, rollback, real log lines", func(t *testing.T) {
		r := e.promote(e.authorityArgs("crash.yaml", "crash, -after=1s"), "--timeout", "15m", "--stable-for", "10s")
		ev := e.expectRolledBack(t, r, 2, "CrashLoopBackOff", "Error", "RestartedDuringCheck")
		t.Logf("crash loop: verdict and rollback in %s (%s: %s)", r.Duration.Round(time.Millisecond), ev.Reason, ev.Message)
		if r.Duration > 90*time.Second {
			t.Fatalf("crash loop verdict and rollback took %s", r.Duration)
		}
		if !anyContains(ev.LogTail, "simulated crash after 1s") {
			t.Fatalf("evidence lacks the crashed container's log lines: %q", ev.LogTail)
		}
		if !strings.Contains(ev.Message, "exit code 1") {
			t.Fatalf("evidence message lacks the exit code: %q", ev.Message)
		}
	})

	t.Run("missing digest: ImagePullBackOff, rollback", func(t *testing.T) {
		d, missing := e.rn.StandinDigest(), harness.MissingDigest(h.Namespace)
		old := "authority:2025.10.1-local@" + d
		vals := h.LocalValues("missing.yaml", old, "authority:2025.10.1-local@"+missing)
		rel := h.LocalRelease("missing-release.yaml", old, "authority:2025.10.1-local@"+missing)
		r := e.promote(vals, "--timeout", "15m", "--release", rel)
		ev := e.expectRolledBack(t, r, 4, "ImagePullBackOff", "ErrImagePull")
		t.Logf("missing digest: verdict and rollback in %s (%s: %s)", r.Duration.Round(time.Millisecond), ev.Reason, ev.Message)
		if !strings.Contains(ev.Message, missing) || !strings.Contains(ev.Message, "not found") {
			t.Fatalf("evidence lacks the registry's answer: %q", ev.Message)
		}
		if r.Duration > 90*time.Second {
			t.Fatalf("missing digest verdict and rollback took %s", r.Duration)
		}
	})

	t.Run("OOMKilled: rollback", func(t *testing.T) {
		r := e.promote(e.authorityArgs("oom.yaml", "oom"), "--timeout", "15m")
		ev := e.expectRolledBack(t, r, 6, "OOMKilled")
		t.Logf("OOMKilled: verdict and rollback in %s (%s)", r.Duration.Round(time.Millisecond), ev.Message)
		if !strings.Contains(ev.Message, "137") || r.Duration > 90*time.Second {
			t.Fatalf("OOMKilled evidence %q after %s", ev.Message, r.Duration)
		}
	})
}
