package kit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/stella-ops/stella-plugins/pkg/kitdir"
)

// store is the kit's OCI image layout on disk.
type store struct {
	dir   string       // the layout's root (kit/images)
	bytes atomic.Int64 // bytes written by this run
}

func (s *store) blobPath(h v1.Hash) string { return kitdir.BlobPath(s.dir, h) }

// has reports whether blob h is present with the given size (-1: any).
func (s *store) has(h v1.Hash, size int64) bool { return kitdir.Has(s.dir, h, size) }

// copyBuf is the buffer blobs are streamed through: a few large reads and
// writes per blob rather than thousands of 32 KiB ones.
var copyBuf = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// write stores rc as blob h through a temporary file renamed into place
// only when the whole content matched h, so an interrupted or corrupt
// write leaves no blob behind and a rerun fetches it again. verified says
// rc itself checks size and digest before it returns EOF (the layers of
// go-containerregistry's remote package do), so the content is not hashed
// a second time; otherwise it is hashed on the way.
func (s *store) write(h v1.Hash, rc io.ReadCloser, verified bool) error {
	defer rc.Close()
	dir := filepath.Dir(s.blobPath(h))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-"+h.Hex[:12]+"-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	var r io.Reader = countReader{rc, &s.bytes}
	sum := sha256.New()
	if !verified {
		r = io.TeeReader(r, sum)
	}
	buf := copyBuf.Get().(*[]byte)
	_, err = io.CopyBuffer(onlyWriter{f}, r, *buf)
	copyBuf.Put(buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write blob %s: %w", h, err)
	}
	if !verified {
		if got := hex.EncodeToString(sum.Sum(nil)); h.Algorithm != "sha256" || got != h.Hex {
			return fmt.Errorf("blob %s: content hashes to sha256:%s", h, got)
		}
	}
	return os.Rename(f.Name(), s.blobPath(h))
}

// writeBytes stores small content (manifests, configs) unless present.
func (s *store) writeBytes(h v1.Hash, data []byte) error {
	if s.has(h, int64(len(data))) {
		return nil
	}
	return s.write(h, io.NopCloser(bytes.NewReader(data)), false)
}

// countReader counts the bytes read into n (the run's downloaded bytes).
type countReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// onlyWriter hides *os.File's ReadFrom so io.CopyBuffer uses its buffer.
type onlyWriter struct{ w io.Writer }

func (o onlyWriter) Write(p []byte) (int, error) { return o.w.Write(p) }

// walk visits every blob reachable from root in the layout (kitdir.Walk).
func (s *store) walk(root v1.Descriptor, visit func(d v1.Descriptor, present bool)) {
	kitdir.Walk(s.dir, root, visit)
}

// complete reports whether every blob of root is present, with the total
// size and blob count.
func (s *store) complete(root v1.Descriptor) (ok bool, size int64, blobs int) {
	return kitdir.Complete(s.dir, root)
}

// size is the size of blob h on disk (-1 when absent).
func (s *store) size(h v1.Hash) int64 { return kitdir.Size(s.dir, h) }
