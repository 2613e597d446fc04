package kitdir

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/pflag"

	"github.com/stella-ops/stella-plugins/pkg/version"
)

// DefaultConfig is the channels file an images run reads unless told
// (channel.DefaultPath: a test holds them equal).
const DefaultConfig = "deploy/channels.yaml"

// Request is what an offline-kit images run is asked for.
type Request struct {
	Config   string // channels file
	Channel  string
	KitDir   string
	Platform string // os/arch[/variant]: keep only this platform of multi-arch indexes
}

// BindFlags binds the flags of offline-kit images that make its Request:
// the one definition the command and the entry binary's rerun check share.
func BindFlags(fl *pflag.FlagSet, r *Request) {
	fl.StringVar(&r.Config, "config", DefaultConfig, "channels file")
	fl.StringVar(&r.Channel, "channel", "", "channel whose release manifest is copied (required)")
	fl.StringVar(&r.KitDir, "offline-kit-dir", "", "offline kit directory, created when missing (required)")
	fl.StringVar(&r.Platform, "platform", "", "keep only this platform (os/arch[/variant]) of multi-arch images")
}

// Generator names this build of helm-stella in kit.json's inputs.
func Generator() string {
	return fmt.Sprintf("helm-stella %s (commit %s)", version.Version, version.Commit)
}

// Current reports whether the kit at r.KitDir already is what an images run
// of r would leave there, reading and hashing only local files: kit.json was
// written by this build for the same channels file (same content), channel
// and platform; every copied file's source and kit copy still hash as
// recorded (the chart's directory by TreeDigest); every image's blobs are
// all present with their recorded size and count; index.json, oci-layout
// and kit.json are byte for byte what the run would write. It returns the
// kit's manifest, or the first reason the kit is not current.
func Current(r Request) (*Manifest, string) {
	m, err := LoadManifest(r.KitDir)
	switch {
	case err != nil || m == nil:
		return nil, "no readable kit.json"
	case m.Inputs == nil || m.Inputs.Generator != Generator():
		return nil, "kit.json was written by another build"
	case m.Channel != r.Channel || m.Platform != platform(r.Platform):
		return nil, "another channel or platform"
	case m.Inputs.Config != r.Config || FileSHA256(r.Config) != m.Inputs.ConfigSHA256:
		return nil, "the channels file changed"
	}
	for _, f := range m.Files {
		if !FileCurrent(r.KitDir, f) {
			return nil, f.Path + " changed"
		}
	}
	dir := filepath.Join(r.KitDir, LayoutDir)
	for _, img := range m.Images {
		root, ok := Root(dir, img.Digest)
		if !ok || string(root.MediaType) != img.MediaType {
			return nil, img.Component + ": root manifest missing"
		}
		if full, size, blobs := Complete(dir, root); !full || size != img.Size || blobs != img.Blobs {
			return nil, img.Component + ": blobs missing or changed"
		}
	}
	idx, err := IndexJSON(dir, m.Images)
	if err != nil || !sameFile(filepath.Join(dir, "index.json"), idx) || !sameFile(filepath.Join(dir, "oci-layout"), []byte(OCILayout)) {
		return nil, "the layout's index changed"
	}
	if !sameFile(filepath.Join(r.KitDir, ManifestPath), m.Marshal()) {
		return nil, "kit.json is not as written"
	}
	return m, ""
}

// platform is the --platform value as kit.json records it ("" for none;
// an unparsable value never matches a kit).
func platform(s string) string {
	if s == "" {
		return ""
	}
	p, err := v1.ParsePlatform(s)
	if err != nil || p.OS == "" || p.Architecture == "" {
		return "\x00invalid"
	}
	return p.String()
}

// FileCurrent reports whether the kit's copy of f and its source still hash
// as recorded.
func FileCurrent(kitDir string, f FileRec) bool {
	src := FileSHA256(f.Source)
	if f.Role == RoleChart {
		src = TreeDigest(f.Source)
		if src != f.SourceSHA256 {
			return false
		}
	} else if src != f.SHA256 {
		return false
	}
	return src != "" && FileSHA256(filepath.Join(kitDir, filepath.FromSlash(f.Path))) == f.SHA256
}

// FileSHA256 is the hex sha256 of the file at path ("" when unreadable).
func FileSHA256(path string) string {
	sum, err := HashFile(path)
	if err != nil {
		return ""
	}
	return sum
}

// HashFile is the hex sha256 of the file at path, streamed.
func HashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// TreeDigest is a sha256 over every regular file under dir: each one's path
// relative to dir and its content hash, in lexical order. "" when the tree
// cannot be read or holds a symlink or another non-regular file (Helm's
// loader follows symlinks; such a chart is simply packaged again).
func TreeDigest(dir string) string {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fs.ErrInvalid
		}
		rel, err := filepath.Rel(dir, p)
		sum := FileSHA256(p)
		if err != nil || sum == "" {
			return fs.ErrInvalid
		}
		fmt.Fprintf(h, "%s\x00%s\n", filepath.ToSlash(rel), sum)
		return nil
	})
	if err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sameFile reports whether the file at path holds exactly data.
func sameFile(path string, data []byte) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.Equal(b, data)
}
