package kit

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// flipping serves an in-memory registry that flips the last byte of every
// blob response whose path names digest bad (size unchanged).
func flipping(t *testing.T, bad func() v1.Hash) string {
	h := ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/blobs/"+bad().String()) {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if len(body) > 0 {
			body[len(body)-1] ^= 0xff
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// TestImagesCorruptLayerNotStored: a layer whose bytes do not match its
// digest (same size) fails the run and leaves no blob and no kit.json, so
// write may trust the remote layer's own verification (no second hash).
func TestImagesCorruptLayerNotStored(t *testing.T) {
	var bad v1.Hash
	host := flipping(t, func() v1.Hash { return bad })
	img, err := random.Image(8192, 2)
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := img.Layers()
	bad, _ = ls[1].Digest()
	ref, _ := name.ParseReference(host+"/stellaops/a:1.0", name.Insecure)
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	kitDir := filepath.Join(t.TempDir(), "kit")
	op := NewImages()
	op.Config, op.Channel, op.KitDir, op.Registry.PlainHTTP = tree(t, map[string]string{"a": ref.String() + "@" + d.String()}), "airgap", kitDir, true
	if _, err := op.Run(context.Background()); err == nil || !strings.Contains(err.Error(), bad.Hex) {
		t.Fatalf("run with a corrupt layer: %v", err)
	}
	st := &store{dir: filepath.Join(kitDir, LayoutDir)}
	if st.has(bad, -1) || st.has(d, -1) {
		t.Errorf("corrupt layer or its manifest stored")
	}
	if _, err := os.Stat(filepath.Join(kitDir, ManifestPath)); err == nil {
		t.Errorf("kit.json written after a failed copy")
	}
	left, _ := filepath.Glob(filepath.Join(kitDir, LayoutDir, "blobs", "sha256", ".tmp-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestStoreWriteUnverified(t *testing.T) {
	st := &store{dir: t.TempDir()}
	data := []byte("config")
	h, _, _ := v1.SHA256(bytes.NewReader(data))
	for name, tc := range map[string]struct {
		content []byte
		ok      bool
	}{
		"matching": {data, true},
		"other":    {[]byte("cOnfig"), false},
		"short":    {data[:3], false},
	} {
		os.Remove(st.blobPath(h))
		err := st.write(h, io.NopCloser(bytes.NewReader(tc.content)), false)
		if (err == nil) != tc.ok || st.has(h, -1) != tc.ok {
			t.Errorf("%s: err %v, stored %v", name, err, st.has(h, -1))
		}
	}
}

// TestImagesRerunRefetchesDamagedBlobs: a rerun trusts blobs present with
// their recorded size; a truncated or missing layer is fetched again (and
// only its image), after which verify finds the kit intact.
func TestImagesRerunRefetchesDamagedBlobs(t *testing.T) {
	src, _, _ := loopback(t)
	pins := map[string]string{"a": push(t, src, "stellaops/a"), "b": push(t, src, "stellaops/b")}
	kitDir := filepath.Join(t.TempDir(), "kit")
	op := NewImages()
	op.Config, op.Channel, op.KitDir, op.Registry.PlainHTTP = tree(t, pins), "airgap", kitDir, true
	if _, err := op.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	ref, _ := name.ParseReference(pins["a"], name.Insecure)
	img, err := remote.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := img.Layers()
	st := &store{dir: filepath.Join(kitDir, LayoutDir)}
	d0, _ := ls[0].Digest()
	d1, _ := ls[1].Digest()
	if err := os.Truncate(st.blobPath(d0), 10); err != nil {
		t.Fatal(err)
	}
	os.Remove(st.blobPath(d1))
	op2 := *op
	res, err := op2.Run(context.Background())
	if err != nil || len(res.Copied) != 1 || res.Copied[0] != "a" || len(res.Present) != 1 || res.Bytes == 0 {
		t.Fatalf("rerun after damage: %+v %v", res, err)
	}
	v, err := Verify(context.Background(), kitDir, 2)
	if err != nil || len(v.Problems) != 0 {
		t.Fatalf("verify: %+v %v", v, err)
	}
}
