package kit

import "github.com/stella-ops/stella-plugins/pkg/kitdir"

// The kit's on-disk format lives in pkg/kitdir (light enough for the
// helm-stella entry binary); these names keep kit's API whole.
type (
	Manifest     = kitdir.Manifest
	Image        = kitdir.Image
	FileRec      = kitdir.FileRec
	ImagesResult = kitdir.ImagesResult
)

// SchemaVersion, Kind, ManifestPath and LayoutDir: see kitdir.
const (
	SchemaVersion = kitdir.SchemaVersion
	Kind          = kitdir.Kind
	ManifestPath  = kitdir.ManifestPath
	LayoutDir     = kitdir.LayoutDir
)

// LoadManifest reads a kit's kit.json; a missing file is (nil, nil).
func LoadManifest(kitDir string) (*Manifest, error) { return kitdir.LoadManifest(kitDir) }

// Bytes renders n bytes for people (kitdir.Bytes).
func Bytes(n int64) string { return kitdir.Bytes(n) }

func writeAtomic(path string, data []byte) error { return kitdir.WriteAtomic(path, data) }
