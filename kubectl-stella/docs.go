package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func init() { register(newDocsCmd) }

// newDocsCmd writes the markdown reference of every command (docs/commands);
// hidden: it serves `make docs` and the CI check that the docs are current.
func newDocsCmd(r *root) *cobra.Command {
	return &cobra.Command{
		Use:    "__gen-docs DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return fmt.Errorf("docs: %w", err)
			}
			r.cmd.DisableAutoGenTag = true
			return doc.GenMarkdownTree(r.cmd, args[0])
		},
	}
}
