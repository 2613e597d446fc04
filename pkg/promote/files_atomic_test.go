package promote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// treeSums is path → sha256 (and mode) of every file under dir.
func treeSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		h := sha256.Sum256(b)
		sums[p] = hex.EncodeToString(h[:]) + " " + info.Mode().String()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// --files-only writes the channels file and every fix together or not at
// all: a file it may not write, or a finding --fix cannot fix (here a
// component whose image the new manifest renames), leaves the tree byte-identical.
func TestFilesOnlyAllOrNothing(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, deploy, rel string)
		code  exit.Code
		want  string
	}{
		{"read-only values file", func(t *testing.T, deploy, _ string) {
			if err := os.Chmod(filepath.Join(deploy, "helm/stellaops/values-prod.yaml"), 0o444); err != nil {
				t.Fatal(err)
			}
		}, exit.Invalid, "read-only"},
		{"finding --fix cannot fix", func(t *testing.T, _, rel string) {
			b, err := os.ReadFile(rel)
			if err != nil {
				t.Fatal(err)
			}
			cut := strings.Replace(string(b), "stellaops/notify:", "stellaops/notify-v2:", 1)
			if cut == string(b) {
				t.Fatal("fixture: notify image not found")
			}
			if err := os.WriteFile(rel, []byte(cut), 0o644); err != nil {
				t.Fatal(err)
			}
		}, exit.CheckFailed, "nothing written"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			deploy, rel := exampleWithNewStable(t)
			c.setup(t, deploy, rel)
			before := treeSums(t, deploy)
			p := NewFiles()
			p.Channel, p.ReleaseManifest, p.Config = "stable", rel, filepath.Join(deploy, "channels.yaml")
			_, err := p.Run(context.Background())
			if exit.CodeOf(err) != c.code || err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v (exit %d), want exit %d with %q", err, exit.CodeOf(err), c.code, c.want)
			}
			after := treeSums(t, deploy)
			for path, sum := range before {
				if after[path] != sum {
					t.Errorf("%s changed", path)
				}
			}
			if len(after) != len(before) {
				t.Errorf("files added or removed: %d before, %d after", len(before), len(after))
			}
		})
	}
}
