package debugstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// SchemaVersion is the version of metadata/debug-store.json this package
// writes (docs/offline-kit.md documents it).
const SchemaVersion = 1

// Kind names the document inside its own JSON.
const Kind = "stella-ops/debug-store"

// StorePath is where the store's metadata lives, relative to the kit.
const StorePath = "metadata/debug-store.json"

// Dir is the debug tree, relative to both the release and the kit dir.
const Dir = "debug/.build-id"

// Store is metadata/debug-store.json.
type Store struct {
	SchemaVersion int    `json:"schemaVersion"`
	Kind          string `json:"kind"`
	Files         []File `json:"files"` // sorted by Path
}

// File is one debug file of the store.
type File struct {
	BuildID     string `json:"buildId"`     // lowercase hex, as its path names it
	Path        string `json:"path"`        // relative to the kit dir, slash-separated
	Size        int64  `json:"size"`        // bytes
	SHA256      string `json:"sha256"`      // hex of the file's content
	Machine     string `json:"machine"`     // ELF e_machine, e.g. EM_X86_64
	Class       string `json:"class"`       // ELFCLASS32 | ELFCLASS64
	BuildIDNote bool   `json:"buildIdNote"` // the file carries an NT_GNU_BUILD_ID note (it then matches BuildID)
}

// Marshal renders the store as stable, indented JSON (files sorted by path).
func (s *Store) Marshal() []byte {
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
	if s.Files == nil {
		s.Files = []File{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s) // plain structs: cannot fail
	return b.Bytes()
}

// Load reads a kit's debug-store.json; a missing file is (nil, nil).
func Load(kitDir string) (*Store, error) {
	data, err := os.ReadFile(filepath.Join(kitDir, StorePath))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read debug store: %w", err)
	}
	var s Store
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(kitDir, StorePath), err)
	}
	if s.SchemaVersion != SchemaVersion || s.Kind != Kind {
		return nil, fmt.Errorf("%s: unsupported schema %q version %d (want %q version %d)",
			filepath.Join(kitDir, StorePath), s.Kind, s.SchemaVersion, Kind, SchemaVersion)
	}
	return &s, nil
}

// byPath indexes the store's files by path.
func (s *Store) byPath() map[string]File {
	m := map[string]File{}
	if s == nil {
		return m
	}
	for _, f := range s.Files {
		m[f.Path] = f
	}
	return m
}
