package main

import (
	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/version"
)

func init() { register(newVersionCmd) }

func newVersionCmd(r *root) *cobra.Command {
	var o string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the plugin's version, git commit and Go version",
		Args:  maxArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			f, err := output.ParseFormat(o)
			if err != nil {
				return err
			}
			return version.Render(r.out, f, "helm-stella")
		},
	}
	cmd.Flags().StringVarP(&o, "output", "o", "table", "output format: table|json|yaml")
	return cmd
}
