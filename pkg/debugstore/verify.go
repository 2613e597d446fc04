package debugstore

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/stella-ops/stella-plugins/pkg/kitdir"
)

// Verify re-hashes every file of the kit's debug-store.json and returns one
// problem per missing or mismatching file ("path: reason"). A kit without a
// store has nothing to verify.
func Verify(kitDir string) ([]string, error) {
	s, err := Load(kitDir)
	if err != nil || s == nil {
		return nil, err
	}
	var problems []string
	for _, f := range s.Files {
		p := filepath.Join(kitDir, filepath.FromSlash(f.Path))
		st, err := os.Lstat(p)
		switch {
		case err != nil:
			problems = append(problems, f.Path+": missing")
			continue
		case !st.Mode().IsRegular():
			problems = append(problems, f.Path+": not a regular file")
			continue
		case st.Size() != f.Size:
			problems = append(problems, fmt.Sprintf("%s: size %d, want %d", f.Path, st.Size(), f.Size))
			continue
		}
		sum, err := kitdir.HashFile(p)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: unreadable: %v", f.Path, err))
		} else if sum != f.SHA256 {
			problems = append(problems, fmt.Sprintf("%s: sha256 %s, want %s", f.Path, sum, f.SHA256))
		}
	}
	return problems, nil
}
