package kit

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/sync/errgroup"

	"github.com/stella-ops/stella-plugins/pkg/debugstore"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kitdir"
)

// VerifyResult lists what a verify run checked and what is wrong.
type VerifyResult struct {
	Images   int      `json:"images"`
	Blobs    int      `json:"blobs"`
	Files    int      `json:"files"`
	Debug    int      `json:"debugFiles"`
	Problems []string `json:"problems"` // sorted; empty when the kit is intact
}

// Verify re-hashes every blob of the layout, every file of kit.json and
// every file of debug-store.json, and checks that each image's blobs are
// all present. A dir with neither kit.json nor debug-store.json is
// invalid input; problems are reported in the result (the caller exits 2).
func Verify(ctx context.Context, kitDir string, jobs int) (*VerifyResult, error) {
	if st, err := os.Stat(kitDir); err != nil || !st.IsDir() {
		return nil, exit.InvalidInput("offline kit %s: not a directory", kitDir)
	}
	m, err := LoadManifest(kitDir)
	if err != nil {
		return nil, err
	}
	ds, err := debugstore.Load(kitDir)
	if err != nil {
		return nil, exit.InvalidInput("%v", err)
	}
	if m == nil && ds == nil {
		return nil, exit.InvalidInput("%s is not an offline kit: no %s or %s", kitDir, ManifestPath, debugstore.StorePath)
	}
	res := &VerifyResult{Problems: []string{}}
	if ds != nil {
		res.Debug = len(ds.Files)
		p, _ := debugstore.Verify(kitDir)
		res.Problems = append(res.Problems, p...)
	}
	if m != nil {
		res.Images, res.Files = len(m.Images), len(m.Files)
		res.Problems = append(res.Problems, verifyFiles(kitDir, m)...)
		st := &store{dir: filepath.Join(kitDir, LayoutDir)}
		res.Problems = append(res.Problems, verifyImages(st, m)...)
		n, p, err := verifyBlobs(ctx, st, jobs)
		if err != nil {
			return nil, err
		}
		res.Blobs = n
		res.Problems = append(res.Problems, p...)
	}
	sort.Strings(res.Problems)
	return res, nil
}

func verifyFiles(kitDir string, m *Manifest) []string {
	var out []string
	for _, f := range m.Files {
		data, err := os.ReadFile(filepath.Join(kitDir, filepath.FromSlash(f.Path)))
		switch {
		case err != nil:
			out = append(out, f.Path+": missing")
		case int64(len(data)) != f.Size || fmt.Sprintf("%x", sha256.Sum256(data)) != f.SHA256:
			out = append(out, fmt.Sprintf("%s: sha256 %x (%d bytes), want %s (%d bytes)", f.Path, sha256.Sum256(data), len(data), f.SHA256, f.Size))
		}
	}
	return out
}

// verifyImages checks that every blob each image references is present.
func verifyImages(st *store, m *Manifest) []string {
	var out []string
	for _, img := range m.Images {
		h, err := v1.NewHash(img.Digest)
		if err != nil {
			out = append(out, fmt.Sprintf("image %s: invalid digest %q", img.Component, img.Digest))
			continue
		}
		root := v1.Descriptor{Digest: h, Size: st.size(h), MediaType: types.MediaType(img.MediaType)}
		if root.Size < 0 {
			out = append(out, fmt.Sprintf("image %s: blobs/%s/%s missing", img.Component, h.Algorithm, h.Hex))
			continue
		}
		st.walk(root, func(d v1.Descriptor, present bool) {
			if !present {
				out = append(out, fmt.Sprintf("image %s: blobs/%s/%s missing or wrong size (want %d bytes)", img.Component, d.Digest.Algorithm, d.Digest.Hex, d.Size))
			}
		})
	}
	return out
}

// verifyBlobs re-hashes every blob file of the layout, jobs at a time.
func verifyBlobs(ctx context.Context, st *store, jobs int) (int, []string, error) {
	dir := filepath.Join(st.dir, "blobs", "sha256")
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("read layout: %w", err)
	}
	var (
		mu  sync.Mutex
		out []string
		n   int
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(jobs, 1))
	for _, e := range ents {
		if !e.Type().IsRegular() || len(e.Name()) != 64 {
			continue
		}
		n++
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			sum, err := kitdir.HashFile(filepath.Join(dir, e.Name()))
			if err == nil && sum == e.Name() {
				return nil
			}
			mu.Lock()
			defer mu.Unlock()
			out = append(out, fmt.Sprintf("%s/blobs/sha256/%s: content hashes to sha256:%s", LayoutDir, e.Name(), sum))
			return nil
		})
	}
	return n, out, g.Wait()
}
