package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestDocsMaskHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	ran := false
	root := NewRoot(Root{Display: "x stella", Short: "s", Out: os.Stdout, Err: os.Stderr, Ran: &ran})
	root.PersistentFlags().String("cache-dir", filepath.Join(home, ".kube/cache"), "cache")
	sub := &cobra.Command{Use: "sub", RunE: func(*cobra.Command, []string) error { return nil }}
	sub.Flags().String("registry-config", filepath.Join(home, ".config/helm/registry/config.json"), "registry")
	root.AddCommand(sub, DocsCmd(func() *cobra.Command { return root }))
	out := t.TempDir()
	root.SetArgs([]string{"__gen-docs", out})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "x_stella_sub.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if strings.Contains(s, home) {
		t.Fatalf("generated docs contain the home directory %s:\n%s", home, s)
	}
	for _, want := range []string{`"$HOME/.config/helm/registry/config.json"`, `"$HOME/.kube/cache"`} {
		if !strings.Contains(s, want) {
			t.Errorf("generated docs lack %s:\n%s", want, s)
		}
	}
}
