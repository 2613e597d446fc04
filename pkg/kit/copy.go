package kit

import (
	"context"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"
)

// copier copies images from their registries into the store; blobs are
// fetched at most jobs at a time across every image.
type copier struct {
	store *store
	opts  []remote.Option
	sem   chan struct{}
	plat  *v1.Platform
}

// copyRoot copies the manifest (or index) desc and everything it
// references; it returns the descriptor stored.
func (c *copier) copyRoot(ctx context.Context, d *remote.Descriptor) (v1.Descriptor, error) {
	if d.MediaType.IsIndex() && c.plat == nil {
		idx, err := d.ImageIndex()
		if err != nil {
			return v1.Descriptor{}, err
		}
		return d.Descriptor, c.copyIndex(ctx, idx)
	}
	img, err := d.Image() // with a platform, remote picks the matching child
	if err != nil {
		return v1.Descriptor{}, err
	}
	if err := c.copyImage(ctx, img); err != nil {
		return v1.Descriptor{}, err
	}
	return imageDescriptor(img)
}

func imageDescriptor(img v1.Image) (v1.Descriptor, error) {
	mt, err := img.MediaType()
	if err != nil {
		return v1.Descriptor{}, err
	}
	dg, err := img.Digest()
	if err != nil {
		return v1.Descriptor{}, err
	}
	size, err := img.Size()
	return v1.Descriptor{MediaType: mt, Digest: dg, Size: size}, err
}

// copyIndex copies every child of idx, then idx's own manifest.
func (c *copier) copyIndex(ctx context.Context, idx v1.ImageIndex) error {
	im, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, m := range im.Manifests {
		if ok, _, _ := c.store.complete(m); ok {
			continue
		}
		switch {
		case m.MediaType.IsIndex():
			child, err := idx.ImageIndex(m.Digest)
			if err == nil {
				err = c.copyIndex(ctx, child)
			}
			if err != nil {
				return err
			}
		case m.MediaType.IsImage():
			img, err := idx.Image(m.Digest)
			if err == nil {
				err = c.copyImage(ctx, img)
			}
			if err != nil {
				return err
			}
		default:
			return fmt.Errorf("index child %s: unsupported media type %s", m.Digest, m.MediaType)
		}
	}
	raw, err := idx.RawManifest()
	if err != nil {
		return err
	}
	dg, err := idx.Digest()
	if err != nil {
		return err
	}
	return c.store.writeBytes(dg, raw)
}

// copyImage fetches the missing layers (in parallel, bounded by sem), then
// the config and the manifest: a manifest is stored only after its blobs.
func (c *copier) copyImage(ctx context.Context, img v1.Image) error {
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, l := range layers {
		g.Go(func() error { return c.copyLayer(gctx, l) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	cfgName, err := img.ConfigName()
	if err != nil {
		return err
	}
	cfg, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	if err := c.store.writeBytes(cfgName, cfg); err != nil {
		return err
	}
	raw, err := img.RawManifest()
	if err != nil {
		return err
	}
	dg, err := img.Digest()
	if err != nil {
		return err
	}
	return c.store.writeBytes(dg, raw)
}

func (c *copier) copyLayer(ctx context.Context, l v1.Layer) error {
	dg, err := l.Digest()
	if err != nil {
		return err
	}
	size, err := l.Size()
	if err != nil {
		return err
	}
	if c.store.has(dg, size) {
		return nil
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-c.sem }()
	rc, err := l.Compressed()
	if err != nil {
		return fmt.Errorf("layer %s: %w", dg, err)
	}
	return c.store.write(dg, rc, true) // remote layers verify size and digest before EOF
}
