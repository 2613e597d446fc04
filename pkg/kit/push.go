package kit

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/sync/errgroup"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/registry"
)

// Push is the offline-kit push operation: the kit's images to a mirror.
type Push struct {
	KitDir   string
	Target   string // HOST[:PORT][/PREFIX]
	Registry registry.Options
	Progress io.Writer
}

// Pushed is one image written to the mirror.
type Pushed struct {
	Component string `json:"component"`
	Reference string `json:"reference"` // in the mirror, digest included
	Digest    string `json:"digest"`
}

// PushResult is what a push run did.
type PushResult struct {
	Registry    string   `json:"registry"`
	Images      []Pushed `json:"images"`
	RegistryMap []string `json:"registryMap"` // FROM=TO rules for align --registry-map
}

// NewPush returns the operation with its options unset.
func NewPush() *Push { return &Push{} }

// Run validates the kit and every mirror reference (exit 4, nothing
// pushed), then pushes each image by its tag (or digest), preserving its
// manifest bytes and so its digest.
func (o *Push) Run(ctx context.Context) (*PushResult, error) {
	m, plan, err := o.plan()
	if err != nil {
		return nil, err
	}
	if err := o.Registry.Prepare(); err != nil {
		return nil, err
	}
	lp := layout.Path(filepath.Join(o.KitDir, LayoutDir))
	var sent atomic.Int64
	meter := newMeter(o.Progress, "offline-kit push", len(plan), &sent)
	defer meter.finish()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Registry.Jobs)
	for i, img := range m.Images {
		g.Go(func() error {
			if err := o.pushOne(gctx, lp, img, plan[i]); err != nil {
				return fmt.Errorf("push %s to %s: %w", img.Component, plan[i], err)
			}
			sent.Add(img.Size)
			meter.image(img.Component, "pushed", img.Size)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	res := &PushResult{Registry: o.Target, RegistryMap: registryMap(o.Target, m.Images)}
	for i, img := range m.Images {
		res.Images = append(res.Images, Pushed{Component: img.Component, Reference: plan[i].Context().String() + "@" + img.Digest, Digest: img.Digest})
	}
	return res, nil
}

// plan loads kit.json and computes each image's reference in the mirror.
func (o *Push) plan() (*Manifest, []name.Reference, error) {
	m, err := LoadManifest(o.KitDir)
	if err != nil {
		return nil, nil, err
	}
	if m == nil {
		return nil, nil, exit.InvalidInput("%s is not an offline kit with images: no %s (run offline-kit images first)", o.KitDir, ManifestPath)
	}
	o.Target = strings.TrimSuffix(o.Target, "/")
	if o.Target == "" || strings.Contains(o.Target, "://") {
		return nil, nil, exit.InvalidInput("flag --registry: want HOST[:PORT][/PREFIX], got %q", o.Target)
	}
	refs := make([]name.Reference, len(m.Images))
	seen := map[string]string{}
	for i, img := range m.Images {
		src, err := image.Parse(img.Reference)
		if err != nil {
			return nil, nil, exit.InvalidInput("%s: image %s: %v", ManifestPath, img.Component, err)
		}
		s := o.Target + "/" + src.Path + "@" + img.Digest
		if src.Tag != "" {
			s = o.Target + "/" + src.Path + ":" + src.Tag
		}
		if refs[i], err = o.Registry.Reference(s); err != nil {
			return nil, nil, exit.InvalidInput("flag --registry: %v", err)
		}
		repo := refs[i].Context().String()
		if other, ok := seen[repo]; ok && other != src.Repository() {
			return nil, nil, exit.InvalidInput("flag --registry: %s and %s would both be %s in the mirror", other, src.Repository(), repo)
		}
		seen[repo] = src.Repository()
	}
	return m, refs, nil
}

func (o *Push) pushOne(ctx context.Context, lp layout.Path, img Image, ref name.Reference) error {
	h, err := v1.NewHash(img.Digest)
	if err != nil {
		return err
	}
	opts := o.Registry.Remote(ctx)
	root, err := lp.ImageIndex() // index.json names every image of the kit
	if err != nil {
		return err
	}
	if types.MediaType(img.MediaType).IsIndex() {
		idx, err := root.ImageIndex(h)
		if err != nil {
			return err
		}
		return remote.WriteIndex(ref, idx, opts...)
	}
	im, err := root.Image(h)
	if err != nil {
		return err
	}
	return remote.Write(ref, im, opts...)
}

// registryMap returns the FROM=TO rules mapping mirror repositories back
// to the release manifest's: one per first path segment, or one per
// repository where a segment holds images of several registries.
func registryMap(target string, imgs []Image) []string {
	bySeg := map[string]map[string]bool{} // mirror segment → source prefixes
	full := map[string]string{}           // mirror repo → source repo
	for _, img := range imgs {
		src, err := image.Parse(img.Reference)
		if err != nil {
			continue
		}
		seg, _, _ := strings.Cut(src.Path, "/")
		if bySeg[seg] == nil {
			bySeg[seg] = map[string]bool{}
		}
		bySeg[seg][src.Domain+"/"+seg] = true
		full[target+"/"+src.Path] = src.Repository()
	}
	var rules []string
	for seg, tos := range bySeg {
		if len(tos) == 1 {
			for to := range tos {
				rules = append(rules, target+"/"+seg+"="+to)
			}
			continue
		}
		for from, to := range full {
			if strings.HasPrefix(from, target+"/"+seg+"/") || from == target+"/"+seg {
				rules = append(rules, from+"="+to)
			}
		}
	}
	sort.Strings(rules)
	return rules
}
