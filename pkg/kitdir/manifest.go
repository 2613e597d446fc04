package kitdir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// SchemaVersion is the version of metadata/kit.json (docs/offline-kit.md).
const SchemaVersion = 1

// Kind names the document inside its own JSON.
const Kind = "stella-ops/offline-kit"

// ManifestPath is kit.json, relative to the kit dir.
const ManifestPath = "metadata/kit.json"

// LayoutDir is the OCI image layout, relative to the kit dir.
const LayoutDir = "images"

// Manifest is metadata/kit.json.
type Manifest struct {
	SchemaVersion int       `json:"schemaVersion"`
	Kind          string    `json:"kind"`
	Channel       string    `json:"channel"`
	Release       string    `json:"release"` // the release manifest's version
	Platform      string    `json:"platform,omitempty"`
	Inputs        *Inputs   `json:"inputs,omitempty"` // what the kit was built from (Current)
	Images        []Image   `json:"images"`           // sorted by component
	Files         []FileRec `json:"files"`            // sorted by path
}

// Image is one image copied into the layout.
type Image struct {
	Component string `json:"component"`
	Reference string `json:"reference"` // as the release manifest pins it
	Digest    string `json:"digest"`    // of the manifest or index stored (the pin's, unless --platform chose a child)
	MediaType string `json:"mediaType"`
	Size      int64  `json:"size"`  // bytes of every blob the image references, its manifest included
	Blobs     int    `json:"blobs"` // how many blobs that is
}

// Inputs is what a kit was built from besides its files' sources: the
// channels file as given to --config and the hash of its content, and the
// build of helm-stella that wrote the kit. With every source of Files
// unchanged too, a run asks for nothing new (Current).
type Inputs struct {
	Config       string `json:"config"`
	ConfigSHA256 string `json:"configSHA256"`
	Generator    string `json:"generator"` // helm-stella VERSION (commit COMMIT)
}

// FileRec is one file of the kit besides the images.
type FileRec struct {
	Path   string `json:"path"` // relative to the kit dir
	Role   string `json:"role"` // release-manifest | values | compose | env | chart
	Source string `json:"source,omitempty"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // of the kit's copy
	// SourceSHA256 is, for the chart, TreeDigest of its directory when it
	// was packaged (other files are copied as they are: their source hashes
	// as SHA256).
	SourceSHA256 string `json:"sourceSHA256,omitempty"`
}

// RoleChart is the role of the packaged chart among the kit's files.
const RoleChart = "chart"

// Marshal renders m as stable JSON (sorted).
func (m *Manifest) Marshal() []byte {
	sort.Slice(m.Images, func(i, j int) bool { return m.Images[i].Component < m.Images[j].Component })
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	_ = enc.Encode(m)
	return b.Bytes()
}

// LoadManifest reads a kit's kit.json; a missing file is (nil, nil).
func LoadManifest(kitDir string) (*Manifest, error) {
	p := filepath.Join(kitDir, ManifestPath)
	data, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read kit manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, exit.InvalidInput("%s: %v", p, err)
	}
	if m.SchemaVersion != SchemaVersion || m.Kind != Kind {
		return nil, exit.InvalidInput("%s: unsupported schema %q version %d (want %q version %d)", p, m.Kind, m.SchemaVersion, Kind, SchemaVersion)
	}
	return &m, nil
}

// WriteAtomic writes data to path through a temporary file and a rename;
// a file already holding data is left alone (a rerun writes nothing).
func WriteAtomic(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".stella-"+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
