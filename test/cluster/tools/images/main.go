// Command images builds the real node's images reproducibly (fixed file
// times, owners and config; the same binaries give the same digests on every
// machine) as an OCI index for linux/amd64 and linux/arm64, and pushes each
// to the given repositories of a plain-HTTP registry on loopback.
//
//	images -bin DIR -registry 127.0.0.1:PORT [-push] NAME=REPO[,REPO...]...
//
// DIR holds <name>-<arch> binaries; each image holds /<name> as entrypoint.
// Prints "NAME REPO@sha256:…" per pushed repository (or per name without -push).
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

var arches = []string{"amd64", "arm64"}

func main() {
	bin := flag.String("bin", "", "directory of <name>-<arch> binaries")
	registry := flag.String("registry", "", "registry host:port (plain HTTP, loopback)")
	push := flag.Bool("push", false, "push to the registry (else print the digests only)")
	flag.Parse()
	if err := run(*bin, *registry, *push, flag.Args()); err != nil {
		fmt.Fprintf(os.Stderr, "images: %v\n", err)
		os.Exit(1)
	}
}

func run(bin, registry string, push bool, specs []string) error {
	sort.Strings(specs)
	for _, spec := range specs {
		nm, repos, _ := strings.Cut(spec, "=")
		idx, err := index(bin, nm)
		if err != nil {
			return fmt.Errorf("build %s: %w", nm, err)
		}
		d, err := idx.Digest()
		if err != nil {
			return err
		}
		if !push {
			fmt.Printf("%s %s\n", nm, d)
			continue
		}
		for _, repo := range strings.Split(repos, ",") {
			ref, err := name.ParseReference(registry+"/"+repo+":latest", name.Insecure)
			if err != nil {
				return err
			}
			if err := remote.WriteIndex(ref, idx); err != nil {
				return fmt.Errorf("push %s: %w", ref, err)
			}
			fmt.Printf("%s %s@%s\n", nm, repo, d)
		}
	}
	return nil
}

func index(bin, nm string) (v1.ImageIndex, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, arch := range arches {
		img, err := image(filepath.Join(bin, nm+"-"+arch), nm, arch)
		if err != nil {
			return nil, err
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}}})
	}
	return idx, nil
}

func image(path, nm, arch string) (v1.Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{Name: nm, Mode: 0o755, Size: int64(len(b)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	if _, err := tw.Write(b); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(buf.Bytes())), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{Layer: layer, History: v1.History{CreatedBy: "stella images " + nm}})
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", arch
	cfg.Config.Entrypoint = []string{"/" + nm}
	cfg.Config.Env = []string{"PATH=/"}
	cfg.Config.User = "65534:65534"
	return mutate.ConfigFile(img, cfg)
}
