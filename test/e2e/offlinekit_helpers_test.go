//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// remoteOpts are go-containerregistry options for a test registry (its CA
// and credentials): the tests' own, independent of the plugin's code.
func remoteOpts(reg *harness.Registry) []remote.Option {
	opts := []remote.Option{remote.WithTransport(reg.Client().Transport)}
	if reg.User != "" {
		opts = append(opts, remote.WithAuth(&authn.Basic{Username: reg.User, Password: reg.Pass}))
	}
	return opts
}

func parseRef(t testing.TB, reg *harness.Registry, s string) name.Reference {
	t.Helper()
	var opts []name.Option
	if reg.CAFile == "" {
		opts = append(opts, name.Insecure)
	}
	r, err := name.ParseReference(s, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// pushImage pushes a random image (layers × size bytes) as repo:tag and
// returns its pinned reference.
func pushImage(t testing.TB, reg *harness.Registry, repo, tag string, size int64, layers int) string {
	t.Helper()
	img, err := random.Image(size, int64(layers))
	if err != nil {
		t.Fatal(err)
	}
	ref := reg.Host + "/" + repo + ":" + tag
	if err := remote.Write(parseRef(t, reg, ref), img, remoteOpts(reg)...); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	d, _ := img.Digest()
	return ref + "@" + d.String()
}

// pushIndex pushes a two-platform index (linux/amd64, linux/arm64).
func pushIndex(t testing.TB, reg *harness.Registry, repo, tag string) (string, map[string]v1.Hash) {
	t.Helper()
	idx := v1.ImageIndex(empty.Index)
	children := map[string]v1.Hash{}
	for _, arch := range []string{"amd64", "arm64"} {
		img, err := random.Image(2048, 2)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		children["linux/"+arch] = d
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}}})
	}
	ref := reg.Host + "/" + repo + ":" + tag
	if err := remote.WriteIndex(parseRef(t, reg, ref), idx, remoteOpts(reg)...); err != nil {
		t.Fatalf("push index %s: %v", ref, err)
	}
	d, _ := idx.Digest()
	return ref + "@" + d.String(), children
}

// airgapTree writes a deploy tree whose airgap channel pins pins
// (component → pinned reference): channels file, release manifest,
// values and compose files pinning the same references, and the example
// chart. It returns the channels file.
func airgapTree(h *harness.T, dir string, pins map[string]string) string {
	h.Helper()
	comps := make([]string, 0, len(pins))
	for c := range pins {
		comps = append(comps, c)
	}
	sort.Strings(comps)
	var rel, values, compose strings.Builder
	rel.WriteString("release:\n  version: \"1.0.0-airgap\"\n  channel: airgap\ncomponents:\n")
	values.WriteString("services:\n")
	compose.WriteString("name: stellaops\nservices:\n")
	for _, c := range comps {
		fmt.Fprintf(&rel, "  - name: %s\n    image: %s\n", c, pins[c])
		fmt.Fprintf(&values, "  %s:\n    image: %s\n", c, pins[c])
		host, rest, _ := strings.Cut(pins[c], "/")
		_ = host
		fmt.Fprintf(&compose, "  %s:\n    image: ${STELLA_REGISTRY}/%s\n", c, rest)
	}
	host, _, _ := strings.Cut(pins[comps[0]], "/")
	files := map[string]string{
		"releases/1.0.0-airgap.yaml":         rel.String(),
		"values-airgap.yaml":                 values.String(),
		"compose/docker-compose.airgap.yaml": compose.String(),
		"compose/env/airgap.env":             "STELLA_REGISTRY=" + host + "\n",
		"channels.yaml": fmt.Sprintf(`channels:
  airgap:
    release: releases/1.0.0-airgap.yaml
    chart: %s
    values: [values-airgap.yaml]
    compose:
      - file: compose/docker-compose.airgap.yaml
        envFiles: [compose/env/airgap.env]
`, h.Example("deploy/helm/stellaops")),
	}
	for p, s := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			h.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			h.Fatal(err)
		}
	}
	return filepath.Join(dir, "channels.yaml")
}

// deleteManifest deletes digest from repo in reg (the mirror lost it).
func deleteManifest(t testing.TB, reg *harness.Registry, repo, digest string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, reg.URL()+"/v2/"+repo+"/manifests/"+digest, nil)
	if reg.User != "" {
		req.SetBasicAuth(reg.User, reg.Pass)
	}
	resp, err := reg.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("delete %s@%s: %s", repo, digest, resp.Status)
	}
}

// inRegistry reports whether reg holds ref (checked by the test itself).
func inRegistry(t testing.TB, reg *harness.Registry, ref string) bool {
	t.Helper()
	_, err := remote.Head(parseRef(t, reg, ref), remoteOpts(reg)...)
	return err == nil
}
