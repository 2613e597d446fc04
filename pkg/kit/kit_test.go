package kit

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/stella-ops/stella-plugins/pkg/align"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/kitdir"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
	"github.com/stella-ops/stella-plugins/pkg/registry"
)

// loopback is go-containerregistry's in-memory registry on 127.0.0.1,
// counting requests by method (the e2e tests use the real distribution).
func loopback(t testing.TB) (string, *atomic.Int64, *atomic.Int64) {
	var heads, all atomic.Int64
	h := ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		all.Add(1)
		if r.Method == http.MethodHead {
			heads.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), &heads, &all
}

func push(t testing.TB, host, repo string) string {
	img, err := random.Image(4096, 2)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.ParseReference(host+"/"+repo+":1.0", name.Insecure)
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return ref.String() + "@" + d.String()
}

func tree(t testing.TB, pins map[string]string) string {
	dir := t.TempDir()
	var rel strings.Builder
	rel.WriteString("release:\n  version: \"1.0\"\n  channel: airgap\ncomponents:\n")
	for c, p := range pins {
		fmt.Fprintf(&rel, "  - name: %s\n    image: %s\n", c, p)
	}
	os.WriteFile(filepath.Join(dir, "rel.yaml"), []byte(rel.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("a: 1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "channels.yaml"), []byte("channels:\n  airgap:\n    release: rel.yaml\n    values: [values.yaml]\n"), 0o644)
	return filepath.Join(dir, "channels.yaml")
}

func TestImagesVerifyPushCheck(t *testing.T) {
	src, _, srcAll := loopback(t)
	pins := map[string]string{"a": push(t, src, "stellaops/a"), "b": push(t, src, "stellaops/b")}
	kitDir := filepath.Join(t.TempDir(), "kit")
	op := NewImages()
	op.Config, op.Channel, op.KitDir, op.Registry.PlainHTTP = tree(t, pins), "airgap", kitDir, true
	res, err := op.Run(context.Background())
	if err != nil || len(res.Copied) != 2 || res.Bytes == 0 {
		t.Fatalf("images: %+v %v", res, err)
	}
	before := srcAll.Load()
	op2 := *op
	res, err = op2.Run(context.Background())
	if err != nil || len(res.Present) != 2 || res.Bytes != 0 || srcAll.Load() != before {
		t.Fatalf("rerun: %+v %v, %d requests", res, err, srcAll.Load()-before)
	}
	v, err := Verify(context.Background(), kitDir, 2)
	if err != nil || len(v.Problems) != 0 || v.Files != 2 || v.Images != 2 {
		t.Fatalf("verify: %+v %v", v, err)
	}

	mirror, heads, _ := loopback(t)
	p := NewPush()
	p.KitDir, p.Target, p.Registry.PlainHTTP = kitDir, mirror+"/site", true
	pr, err := p.Run(context.Background())
	if err != nil || len(pr.Images) != 2 {
		t.Fatalf("push: %+v %v", pr, err)
	}
	want := mirror + "/site/stellaops=" + src + "/stellaops"
	if len(pr.RegistryMap) != 1 || pr.RegistryMap[0] != want {
		t.Fatalf("registry map %v, want %s", pr.RegistryMap, want)
	}
	m, _ := manifest.Load(filepath.Join(filepath.Dir(op.Config), "rel.yaml"))
	rm, _ := image.ParseRegistryMap(pr.RegistryMap)
	opts := &registry.Options{PlainHTTP: true}
	heads.Store(0)
	fs, err := align.CheckPins(context.Background(), opts, m, rm)
	if err != nil || len(fs) != 0 || heads.Load() != 2 {
		t.Fatalf("check: %v %v, %d HEADs", fs, err, heads.Load())
	}
}

func TestImagesInvalidInput(t *testing.T) {
	cfg := tree(t, map[string]string{"a": "127.0.0.1:1/x/a@sha256:" + strings.Repeat("a", 64)})
	for name, op := range map[string]*Images{
		"no channel":   {Request: kitdir.Request{Config: cfg, KitDir: "k"}},
		"bad channel":  {Request: kitdir.Request{Config: cfg, Channel: "nope", KitDir: "k"}},
		"bad platform": {Request: kitdir.Request{Config: cfg, Channel: "airgap", KitDir: "k", Platform: "amd64"}},
		"no kit dir":   {Request: kitdir.Request{Config: cfg, Channel: "airgap"}},
	} {
		if op.KitDir != "" {
			op.KitDir = filepath.Join(t.TempDir(), op.KitDir)
		}
		if _, err := op.Run(context.Background()); exit.CodeOf(err) != exit.Invalid {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := os.Stat(op.KitDir); err == nil && op.KitDir != "" {
			t.Errorf("%s: kit dir created", name)
		}
	}
}
