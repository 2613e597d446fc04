package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

// DocsCmd writes the markdown reference of every command under root
// (docs/commands); hidden: it serves `make docs` and the CI check that the
// docs are current. Flag defaults under the user's home directory are
// written as $HOME/…, so the reference is the same for every user.
func DocsCmd(root func() *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:    "__gen-docs DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return fmt.Errorf("docs: %w", err)
			}
			r := root()
			r.DisableAutoGenTag = true
			if home, err := os.UserHomeDir(); err == nil && home != "" && home != "/" {
				maskHome(r, home)
			}
			return doc.GenMarkdownTree(r, args[0])
		},
	}
}

// maskHome rewrites every flag default of cmd and its children that names a
// path under home.
func maskHome(cmd *cobra.Command, home string) {
	mask := func(f *pflag.Flag) {
		if strings.Contains(f.DefValue, home) {
			f.DefValue = strings.ReplaceAll(f.DefValue, home, "$HOME")
		}
	}
	cmd.PersistentFlags().VisitAll(mask)
	cmd.LocalFlags().VisitAll(mask)
	for _, c := range cmd.Commands() {
		maskHome(c, home)
	}
}
