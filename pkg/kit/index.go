package kit

import (
	"encoding/json"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// refNameAnnotation is the OCI annotation naming a layout entry.
const refNameAnnotation = "org.opencontainers.image.ref.name"

// componentAnnotation names the release-manifest component of an entry.
const componentAnnotation = "io.stella-ops.component"

// writeIndex writes the layout's oci-layout and index.json: one entry per
// image of the kit, named by its reference and component.
func writeIndex(st *store, imgs []Image) error {
	idx := v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{}}
	for _, img := range imgs {
		h, err := v1.NewHash(img.Digest)
		if err != nil {
			return err
		}
		size := st.size(h)
		idx.Manifests = append(idx.Manifests, v1.Descriptor{
			MediaType: types.MediaType(img.MediaType), Digest: h, Size: size,
			Annotations: map[string]string{refNameAnnotation: img.Reference, componentAnnotation: img.Component},
		})
	}
	data, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(st.dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(st.dir, "index.json"), append(data, '\n'))
}
