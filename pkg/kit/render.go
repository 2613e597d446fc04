package kit

import (
	"fmt"
	"io"

	"github.com/stella-ops/stella-plugins/pkg/kitdir"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

// The kinds of the offline-kit commands' structured results (docs/output.md).
const (
	ImagesKind = "OfflineKitImagesResult"
	PushKind   = "OfflineKitPushResult"
	VerifyKind = "OfflineKitVerifyResult"
)

// Flags is push's extra -o format: only the --registry-map flags.
const Flags output.Format = "flags"

// RenderImages writes what offline-kit images copied (-o name:
// image/COMPONENT of each image of the kit).
func RenderImages(w io.Writer, f output.Format, res *ImagesResult) error {
	if !f.IsTable() {
		var images []Image
		if res.Manifest != nil {
			images = res.Manifest.Images
		}
		names := output.Names("image", images, func(img Image) string { return img.Component })
		return output.Print(w, f, output.Result{Kind: ImagesKind, Value: res, Names: names})
	}
	return kitdir.WriteImagesTable(w, res)
}

// RenderPush writes what offline-kit push pushed and the align flags; with
// Flags only those (-o name: image/COMPONENT of each image pushed).
func RenderPush(w io.Writer, f output.Format, res *PushResult) error {
	switch {
	case f == Flags:
		for i, m := range res.RegistryMap {
			sep := " "
			if i == len(res.RegistryMap)-1 {
				sep = "\n"
			}
			fmt.Fprintf(w, "--registry-map %s%s", m, sep)
		}
		return nil
	case !f.IsTable():
		names := output.Names("image", res.Images, func(p Pushed) string { return p.Component })
		return output.Print(w, f, output.Result{Kind: PushKind, Value: res, Names: names})
	}
	for _, p := range res.Images {
		fmt.Fprintf(w, "pushed %s %s\n", p.Component, p.Reference)
	}
	fmt.Fprint(w, "align with:")
	for _, m := range res.RegistryMap {
		fmt.Fprintf(w, " --registry-map %s", m)
	}
	_, err := fmt.Fprintln(w)
	return err
}

// RenderVerify writes the problems offline-kit verify found in dir, and
// its counts (-o name: offlinekit/DIR).
func RenderVerify(w io.Writer, f output.Format, dir string, res *VerifyResult) error {
	if !f.IsTable() {
		return output.Print(w, f, output.Result{Kind: VerifyKind, Value: res, Names: []string{output.Name("offlinekit", dir)}})
	}
	for _, p := range res.Problems {
		fmt.Fprintln(w, "FAIL "+p)
	}
	_, err := fmt.Fprintf(w, "verified %d image(s), %d blob(s), %d file(s), %d debug file(s): %d problem(s)\n",
		res.Images, res.Blobs, res.Files, res.Debug, len(res.Problems))
	return err
}
