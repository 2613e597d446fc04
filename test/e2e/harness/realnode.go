package harness

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RealNode is the real node of the shared control plane (a kubelet with
// containerd and runc, test/cluster/realnode.sh) and the images the harness
// pushed to its loopback registry (.cache/cluster/images.env).
type RealNode struct {
	Name   string            // node name
	Images map[string]string // STANDIN_IMAGE, PAUSE_IMAGE, *_PINNED, REGISTRY
}

// realNodeWhy is why the control plane has no real node ("" when it has).
func (e *Env) realNodeWhy() string {
	if b, err := os.ReadFile(filepath.Join(e.StateDir, "realnode.reason")); err == nil {
		return strings.TrimSpace(string(b))
	}
	if _, err := os.Stat(filepath.Join(e.StateDir, "realnode", "node")); err != nil {
		return "the control plane was started without a real node (STELLA_NODE=kwok, or an older up.sh)"
	}
	return ""
}

// NeedRealNode returns the real node, or skips the test saying why there is
// none; under CI=true a missing real node fails the test instead.
func (h *T) NeedRealNode() RealNode {
	h.Helper()
	why := h.Env.realNodeWhy()
	if why == "" {
		rn, err := h.realNode()
		if err == nil {
			return rn
		}
		why = err.Error()
	}
	if os.Getenv("CI") == "true" {
		h.Fatalf("no real node under CI=true: %s", why)
	}
	h.Skipf("no real node: %s", why)
	return RealNode{}
}

func (h *T) realNode() (RealNode, error) {
	b, err := os.ReadFile(filepath.Join(h.Env.StateDir, "realnode", "node"))
	if err != nil {
		return RealNode{}, err
	}
	rn := RealNode{Name: strings.TrimSpace(string(b))}
	if rn.Images, err = readVersions(filepath.Join(h.Env.StateDir, "images.env")); err != nil {
		return RealNode{}, fmt.Errorf("images.env: %w", err)
	}
	n, err := h.Client.CoreV1().Nodes().Get(context.Background(), rn.Name, metav1.GetOptions{})
	if err != nil {
		return RealNode{}, fmt.Errorf("node %s: %w", rn.Name, err)
	}
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
			return rn, nil
		}
	}
	return RealNode{}, fmt.Errorf("node %s is not Ready", rn.Name)
}

// StandinDigest is the digest (sha256:…) of the stand-in image the harness pushed.
func (rn RealNode) StandinDigest() string {
	_, d, _ := strings.Cut(rn.Images["STANDIN_IMAGE"], "@")
	return d
}

// MissingDigest is a well-formed digest that no registry holds.
func MissingDigest(seed string) string {
	return fmt.Sprintf("sha256:%x", sha256.Sum256([]byte("stella missing image "+seed)))
}

// LocalValues writes name: the example's values-local.yaml with each
// (old, new) pair replaced once (values files must stay whole: duplicate
// keys are errors), failing the test when an old string is absent.
func (h *T) LocalValues(name string, replace ...string) string {
	h.Helper()
	return h.rewrite(h.Example("deploy/helm/stellaops/values-local.yaml"), name, replace...)
}

// LocalRelease writes name: the local channel's release manifest with the
// replacements applied (a manifest pinning a digest the registry lacks).
func (h *T) LocalRelease(name string, replace ...string) string {
	h.Helper()
	return h.rewrite(h.Example("deploy/releases/2025.10.1-local.yaml"), name, replace...)
}

func (h *T) rewrite(src, name string, replace ...string) string {
	h.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		h.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			h.Fatalf("%s: %q not found", filepath.Base(src), replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	p := filepath.Join(h.TempDir(), name)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		h.Fatal(err)
	}
	return p
}

// PodsOn lists the pods of the test's namespace scheduled on node.
func (h *T) PodsOn(node string) []corev1.Pod {
	h.Helper()
	l, err := h.Client.CoreV1().Pods(h.Namespace).List(context.Background(), metav1.ListOptions{FieldSelector: "spec.nodeName=" + node})
	if err != nil {
		h.Fatal(err)
	}
	return l.Items
}

// WaitNoPods waits until the test's namespace has no pod left on node (the
// real node's capacity is small; tests clean up before they end).
func (h *T) WaitNoPods(node string, timeout time.Duration) {
	h.Helper()
	h.Eventually(timeout, "no pods left on "+node, func() (bool, error) {
		return len(h.PodsOn(node)) == 0, nil
	})
}
