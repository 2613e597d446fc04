package kit

import (
	"path/filepath"

	"github.com/stella-ops/stella-plugins/pkg/kitdir"
)

// writeIndex writes the layout's oci-layout and index.json: one entry per
// image of the kit, named by its reference and component.
func writeIndex(st *store, imgs []Image) error {
	data, err := kitdir.IndexJSON(st.dir, imgs)
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(st.dir, "oci-layout"), []byte(kitdir.OCILayout)); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(st.dir, "index.json"), data)
}
