package kit

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// BenchmarkImages: Images.Run in process over 20 images of two 1 MiB
// layers on go-containerregistry's in-memory registry (loopback), first
// run (empty kit) and rerun (nothing new). The end-to-end figures against
// crane and the real registry are hack/bench-offlinekit.sh's; this one
// isolates the operation from process start-up, for pprof:
//
//	go test -run '^$' -bench Images -cpuprofile cpu.out ./pkg/kit/
func BenchmarkImages(b *testing.B) {
	host, _, _ := loopback(b)
	pins := map[string]string{}
	var size int64
	for i := range 20 {
		img, err := random.Image(1<<20, 2)
		if err != nil {
			b.Fatal(err)
		}
		ref, _ := name.ParseReference(fmt.Sprintf("%s/bench/img%02d:1.0", host, i), name.Insecure)
		if err := remote.Write(ref, img); err != nil {
			b.Fatal(err)
		}
		d, _ := img.Digest()
		pins[fmt.Sprintf("img%02d", i)] = ref.String() + "@" + d.String()
		n, _ := img.Size()
		size += 2<<20 + n
	}
	cfg := tree(b, pins)
	run := func(b *testing.B, kitDir string) *ImagesResult {
		op := NewImages()
		op.Config, op.Channel, op.KitDir, op.Registry.PlainHTTP = cfg, "airgap", kitDir, true
		res, err := op.Run(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		return res
	}
	b.Run("first", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			if res := run(b, filepath.Join(b.TempDir(), "kit")); len(res.Copied) != len(pins) {
				b.Fatalf("copied %d of %d", len(res.Copied), len(pins))
			}
		}
	})
	b.Run("rerun", func(b *testing.B) {
		kitDir := filepath.Join(b.TempDir(), "kit")
		run(b, kitDir)
		for b.Loop() {
			if res := run(b, kitDir); len(res.Present) != len(pins) || res.Bytes != 0 {
				b.Fatalf("rerun fetched: %+v", res)
			}
		}
	})
}
