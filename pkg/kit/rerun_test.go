package kit

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestImagesRerunChecksEveryBlobBySize: a rerun makes no request for an
// intact image and refetches it when its root manifest or config is
// missing or truncated (layers: TestImagesRerunRefetchesDamagedBlobs) —
// the rerun's stat-size check, with no re-hash — after which verify finds
// the kit intact again.
func TestImagesRerunChecksEveryBlobBySize(t *testing.T) {
	blobs := func(t *testing.T, pin string) (manifest, config v1.Hash) {
		ref, _ := name.ParseReference(pin, name.Insecure)
		img, err := remote.Image(ref)
		if err != nil {
			t.Fatal(err)
		}
		manifest, _ = img.Digest()
		config, _ = img.ConfigName()
		return manifest, config
	}
	truncate := func(p string) error { return os.Truncate(p, 7) }
	for _, tc := range []struct {
		name   string
		damage func(st *store, manifest, config v1.Hash) error
		fetch  bool
	}{
		{"intact", func(*store, v1.Hash, v1.Hash) error { return nil }, false},
		{"root manifest truncated", func(st *store, m, _ v1.Hash) error { return truncate(st.blobPath(m)) }, true},
		{"root manifest missing", func(st *store, m, _ v1.Hash) error { return os.Remove(st.blobPath(m)) }, true},
		{"config truncated", func(st *store, _, c v1.Hash) error { return truncate(st.blobPath(c)) }, true},
		{"config missing", func(st *store, _, c v1.Hash) error { return os.Remove(st.blobPath(c)) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, _, all := loopback(t)
			pin := push(t, src, "stellaops/a")
			kitDir := filepath.Join(t.TempDir(), "kit")
			op := NewImages()
			op.Config, op.Channel, op.KitDir, op.Registry.PlainHTTP = tree(t, map[string]string{"a": pin}), "airgap", kitDir, true
			if _, err := op.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			m, c := blobs(t, pin)
			if err := tc.damage(&store{dir: filepath.Join(kitDir, LayoutDir)}, m, c); err != nil {
				t.Fatal(err)
			}
			before := all.Load()
			op2 := *op
			res, err := op2.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := len(res.Copied) == 1; got != tc.fetch {
				t.Fatalf("rerun fetched the image: %v, want %v (%+v)", got, tc.fetch, res)
			}
			if reqs := all.Load() - before; (reqs > 0) != tc.fetch {
				t.Fatalf("rerun made %d requests, want some: %v", reqs, tc.fetch)
			}
			if v, err := Verify(context.Background(), kitDir, 2); err != nil || len(v.Problems) != 0 {
				t.Fatalf("verify after rerun: %+v %v", v, err)
			}
		})
	}
}
