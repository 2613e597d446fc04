package align

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

func TestWritablePath(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "deploy")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(tree, "helm"), 0o755))
	must(os.WriteFile(filepath.Join(tree, "helm/values.yaml"), []byte("a: 1\n"), 0o644))
	must(os.WriteFile(filepath.Join(tree, "helm/ro.yaml"), []byte("a: 1\n"), 0o444))
	must(os.WriteFile(filepath.Join(dir, "outside.yaml"), []byte("a: 1\n"), 0o644))
	must(os.Symlink("values.yaml", filepath.Join(tree, "helm/in.yaml")))
	must(os.Symlink("../../outside.yaml", filepath.Join(tree, "helm/out.yaml")))
	cases := []struct {
		path, tree, real, err string
	}{
		{path: "helm/values.yaml", tree: tree, real: "helm/values.yaml"},
		{path: "helm/in.yaml", tree: tree, real: "helm/values.yaml"}, // the link stays a link
		{path: "helm/in.yaml", tree: "", real: "helm/values.yaml"},   // own directory
		{path: "helm/out.yaml", tree: tree, err: "outside the deploy tree"},
		{path: "helm/out.yaml", tree: "", err: "outside the deploy tree"},
		{path: "helm/../../outside.yaml", tree: tree, err: "outside the deploy tree"},
		{path: "helm/ro.yaml", tree: tree, err: "read-only"},
		{path: "helm/missing.yaml", tree: tree, err: "no such file"},
	}
	for _, c := range cases {
		real, err := writablePath(filepath.Join(tree, c.path), c.tree)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || exit.CodeOf(err) != exit.Invalid {
				t.Errorf("%s: got %q, %v; want exit-4 error %q", c.path, real, err, c.err)
			}
			continue
		}
		if err != nil || real != filepath.Join(tree, c.real) {
			t.Errorf("%s: got %q, %v; want %s", c.path, real, err, c.real)
		}
	}
}
