package kitdir

import (
	"encoding/json"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// OCILayout is the content of the layout's oci-layout file.
const OCILayout = `{"imageLayoutVersion":"1.0.0"}`

// refNameAnnotation is the OCI annotation naming a layout entry.
const refNameAnnotation = "org.opencontainers.image.ref.name"

// componentAnnotation names the release-manifest component of an entry.
const componentAnnotation = "io.stella-ops.component"

// BlobPath is where blob h lives in the layout at dir.
func BlobPath(dir string, h v1.Hash) string { return filepath.Join(dir, "blobs", h.Algorithm, h.Hex) }

// Has reports whether blob h is present with the given size (-1: any).
func Has(dir string, h v1.Hash, size int64) bool {
	st, err := os.Stat(BlobPath(dir, h))
	return err == nil && st.Mode().IsRegular() && (size < 0 || st.Size() == size)
}

// Size is the size of blob h on disk (-1 when absent).
func Size(dir string, h v1.Hash) int64 {
	st, err := os.Stat(BlobPath(dir, h))
	if err != nil {
		return -1
	}
	return st.Size()
}

// manifestDoc is the part of an image manifest or index the walk needs.
type manifestDoc struct {
	MediaType types.MediaType `json:"mediaType"`
	Config    v1.Descriptor   `json:"config"`
	Layers    []v1.Descriptor `json:"layers"`
	Manifests []v1.Descriptor `json:"manifests"`
}

// Root reads the stored manifest or index dg as a descriptor (its media
// type from its own mediaType field, its size from the file); false when
// it is absent or unreadable.
func Root(dir, dg string) (v1.Descriptor, bool) {
	h, err := v1.NewHash(dg)
	if err != nil {
		return v1.Descriptor{}, false
	}
	data, err := os.ReadFile(BlobPath(dir, h))
	var doc manifestDoc
	if err != nil || json.Unmarshal(data, &doc) != nil || doc.MediaType == "" {
		return v1.Descriptor{}, false
	}
	return v1.Descriptor{MediaType: doc.MediaType, Digest: h, Size: int64(len(data))}, true
}

// Walk visits every blob reachable from root (root included) in the
// layout at dir; visit gets each descriptor and whether the blob is present
// with its size. It stops descending where a manifest is missing or
// unreadable.
func Walk(dir string, root v1.Descriptor, visit func(d v1.Descriptor, present bool)) {
	present := Has(dir, root.Digest, root.Size)
	visit(root, present)
	if !present || !isManifest(root.MediaType) {
		return
	}
	data, err := os.ReadFile(BlobPath(dir, root.Digest))
	var doc manifestDoc
	if err != nil || json.Unmarshal(data, &doc) != nil {
		return
	}
	for _, m := range doc.Manifests {
		Walk(dir, m, visit)
	}
	if doc.Config.Digest.Hex != "" {
		Walk(dir, doc.Config, visit)
	}
	for _, l := range doc.Layers {
		Walk(dir, l, visit)
	}
}

// Complete reports whether every blob of root is present in the layout at
// dir, with the total size and blob count.
func Complete(dir string, root v1.Descriptor) (ok bool, size int64, blobs int) {
	ok = true
	Walk(dir, root, func(d v1.Descriptor, present bool) {
		ok = ok && present
		size += d.Size
		blobs++
	})
	return ok, size, blobs
}

func isManifest(mt types.MediaType) bool {
	return mt.IsIndex() || mt.IsImage() || mt == types.OCIManifestSchema1 || mt == types.DockerManifestSchema2
}

// IndexJSON is the layout's index.json for imgs: one entry per image, named
// by its reference and component, sized as its root is stored in dir.
func IndexJSON(dir string, imgs []Image) ([]byte, error) {
	idx := v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{}}
	for _, img := range imgs {
		h, err := v1.NewHash(img.Digest)
		if err != nil {
			return nil, err
		}
		idx.Manifests = append(idx.Manifests, v1.Descriptor{
			MediaType: types.MediaType(img.MediaType), Digest: h, Size: Size(dir, h),
			Annotations: map[string]string{refNameAnnotation: img.Reference, componentAnnotation: img.Component},
		})
	}
	data, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
