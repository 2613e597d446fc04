package kit

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"

	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kitdir"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
	"github.com/stella-ops/stella-plugins/pkg/registry"
)

// Images is the offline-kit images operation.
type Images struct {
	kitdir.Request // channels file, channel, kit dir, platform (kitdir.BindFlags)
	Registry       registry.Options
	Progress       io.Writer // stderr
}

// NewImages returns the operation with the default channels file.
func NewImages() *Images { return &Images{Request: kitdir.Request{Config: channel.DefaultPath}} }

// input is everything validated before the first write.
type input struct {
	inputs kitdir.Inputs // the channels file as read (hashed before it is parsed)
	relSum string        // sha256 of the release manifest as parsed
	ch     *channel.Channel
	rel    *manifest.Manifest
	plat   *v1.Platform
	files  []FileRec // sources to copy, Path = kit path
	prev   *Manifest
}

// Run validates every input (exit 4, nothing written), copies the images
// and files, and writes kit.json last.
func (o *Images) Run(ctx context.Context) (*ImagesResult, error) {
	in, err := o.validate()
	if err != nil {
		return nil, err
	}
	res := &ImagesResult{Manifest: &Manifest{SchemaVersion: SchemaVersion, Kind: Kind, Channel: in.ch.Name, Release: in.rel.Version, Inputs: &in.inputs}}
	if in.plat != nil {
		res.Manifest.Platform = in.plat.String()
	}
	st := &store{dir: filepath.Join(o.KitDir, LayoutDir)}
	if err := o.copyImages(ctx, in, st, res); err != nil {
		return nil, err
	}
	res.Bytes = st.bytes.Load()
	if res.Manifest.Files, err = copyFiles(o.KitDir, in); err != nil {
		return nil, err
	}
	if err := writeIndex(st, res.Manifest.Images); err != nil {
		return nil, fmt.Errorf("write OCI layout index: %w", err)
	}
	if err := writeAtomic(filepath.Join(o.KitDir, ManifestPath), res.Manifest.Marshal()); err != nil {
		return nil, fmt.Errorf("write kit manifest: %w", err)
	}
	return res, nil
}

func (o *Images) validate() (*input, error) {
	if o.KitDir == "" {
		return nil, exit.InvalidInput("flag --offline-kit-dir is required")
	}
	if fi, err := os.Stat(o.KitDir); err == nil && !fi.IsDir() {
		return nil, exit.InvalidInput("flag --offline-kit-dir: %s is not a directory", o.KitDir)
	}
	if o.Channel == "" {
		return nil, exit.InvalidInput("flag --channel is required")
	}
	in := &input{}
	if o.Platform != "" {
		p, err := v1.ParsePlatform(o.Platform)
		if err != nil || p.OS == "" || p.Architecture == "" {
			return nil, exit.InvalidInput("flag --platform: %q is not os/arch[/variant]", o.Platform)
		}
		in.plat = p
	}
	// hashed before they are parsed: a file edited during the run then
	// never looks current to the next one (kitdir.Current)
	in.inputs = kitdir.Inputs{Config: o.Config, ConfigSHA256: kitdir.FileSHA256(o.Config), Generator: kitdir.Generator()}
	f, err := channel.Load(o.Config)
	if err != nil {
		return nil, err
	}
	if in.ch, err = f.Channel(o.Channel); err != nil {
		return nil, err
	}
	in.relSum = kitdir.FileSHA256(in.ch.Release)
	if in.rel, err = manifest.Load(in.ch.Release); err != nil {
		return nil, err
	}
	for _, p := range in.rel.Pins {
		if _, err := o.Registry.Reference(pinRef(p)); err != nil {
			return nil, exit.InvalidInput("%s:%d: %v", in.rel.Path, p.Line, err)
		}
	}
	if in.files, err = channelFiles(in.ch); err != nil {
		return nil, err
	}
	if in.prev, err = LoadManifest(o.KitDir); err != nil {
		in.prev = nil // an unreadable old kit.json is rebuilt
	}
	return in, o.Registry.Prepare()
}

// pinRef is the reference a pin is fetched by: repository@digest.
func pinRef(p manifest.Pin) string { return p.Ref.Repository() + "@" + p.Digest() }

// copyImages copies every pin, Jobs images at a time.
func (o *Images) copyImages(ctx context.Context, in *input, st *store, res *ImagesResult) error {
	c := &copier{store: st, sem: make(chan struct{}, o.Registry.Jobs), plat: in.plat}
	c.opts = o.Registry.Remote(ctx)
	if in.plat != nil {
		c.opts = append(c.opts, remote.WithPlatform(*in.plat))
	}
	m := newMeter(o.Progress, "offline-kit images", len(in.rel.Pins), &st.bytes)
	defer m.finish()
	imgs := make([]Image, len(in.rel.Pins))
	fetched := make([]bool, len(in.rel.Pins))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Registry.Jobs)
	for i, p := range in.rel.Pins {
		g.Go(func() error {
			var err error
			imgs[i], fetched[i], err = o.copyPin(gctx, c, in, p)
			if err == nil {
				m.image(p.Component, map[bool]string{true: "copied", false: "present"}[fetched[i]], imgs[i].Size)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i, img := range imgs {
		res.Manifest.Images = append(res.Manifest.Images, img)
		if fetched[i] {
			res.Copied = append(res.Copied, img.Component)
		} else {
			res.Present = append(res.Present, img.Component)
		}
	}
	sort.Strings(res.Copied)
	sort.Strings(res.Present)
	return nil
}

// copyPin copies one pinned image unless the layout already holds all of
// it; fetched is false when no request was needed.
func (o *Images) copyPin(ctx context.Context, c *copier, in *input, p manifest.Pin) (img Image, fetched bool, err error) {
	img = Image{Component: p.Component, Reference: p.Image}
	if d, ok := localRoot(c.store, in, p); ok {
		if full, size, blobs := c.store.complete(d); full {
			img.Digest, img.MediaType, img.Size, img.Blobs = d.Digest.String(), string(d.MediaType), size, blobs
			return img, false, nil
		}
	}
	ref, _ := o.Registry.Reference(pinRef(p)) // validated
	desc, err := remote.Get(ref, c.opts...)
	if err != nil {
		return img, true, fmt.Errorf("%s: get %s: %w", p.Component, ref, err)
	}
	root, err := c.copyRoot(ctx, desc)
	if err != nil {
		return img, true, fmt.Errorf("%s: copy %s: %w", p.Component, ref, err)
	}
	full, size, blobs := c.store.complete(root)
	if !full {
		return img, true, fmt.Errorf("%s: %s incomplete after copy", p.Component, ref)
	}
	img.Digest, img.MediaType, img.Size, img.Blobs = root.Digest.String(), string(root.MediaType), size, blobs
	return img, true, nil
}

// localRoot finds the stored root of pin p without a request: the pin's
// own digest, or (with --platform) the child the previous kit.json chose.
func localRoot(st *store, in *input, p manifest.Pin) (v1.Descriptor, bool) {
	dg := p.Digest()
	if in.plat != nil {
		dg = ""
		if in.prev != nil && in.prev.Platform == in.plat.String() {
			for _, img := range in.prev.Images {
				if img.Reference == p.Image {
					dg = img.Digest
				}
			}
		}
	}
	return kitdir.Root(st.dir, dg)
}
