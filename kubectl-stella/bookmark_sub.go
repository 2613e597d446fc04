package main

import (
	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/interrupt"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

func newBookmarkListCmd(r *root) *cobra.Command {
	var o string
	var all bool
	cmd := &cobra.Command{
		Use:   "list [RELEASE]",
		Short: "List the namespace's bookmarks, of RELEASE if given, oldest first",
		Args:  maxArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			format, err := output.ParseFormat(o)
			if err != nil {
				return err
			}
			cfg, err := r.clients()
			if err != nil {
				return err
			}
			l := bookmark.NewList(cfg)
			l.AllNamespaces = all
			list, err := l.Run(c.Context(), firstArg(args))
			if err != nil {
				return err
			}
			return bookmark.RenderList(r.out, format, list)
		},
	}
	cli.OutputFlag(cmd.Flags(), &o)
	cmd.Flags().BoolVarP(&all, "all-namespaces", "A", false, "list the bookmarks of every namespace (NAMESPACE column when several)")
	return cmd
}

func newBookmarkShowCmd(r *root) *cobra.Command {
	var f bookmarkFlags
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show one bookmark (values only with --show-values)",
		Args:  bookmarkNameArg,
		RunE: func(c *cobra.Command, args []string) error {
			format, err := output.ParseFormat(f.output)
			if err != nil {
				return err
			}
			cfg, err := r.clients()
			if err != nil {
				return err
			}
			b, err := bookmark.NewShow(cfg).Run(c.Context(), args[0])
			if err != nil {
				return err
			}
			return showBookmark(r, b, f, format)
		},
	}
	cmd.Flags().BoolVar(&f.showValues, "show-values", false, "include the release's user values (they can hold credentials)")
	cmd.Flags().StringVar(&f.outputFile, "output-file", "", "also write the bookmark to this local file (mode 0600)")
	cli.OutputFlag(cmd.Flags(), &f.output)
	return cmd
}

func newBookmarkDeleteCmd(r *root) *cobra.Command {
	var o string
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete one bookmark",
		Args:  bookmarkNameArg,
		RunE: func(c *cobra.Command, args []string) error {
			interrupt.Hold() // changes something: a first Ctrl-C cancels (clean up, roll back) rather than exits
			format, err := output.ParseFormat(o)
			if err != nil {
				return err
			}
			cfg, err := r.clients()
			if err != nil {
				return err
			}
			s, err := bookmark.NewDelete(cfg).Run(c.Context(), args[0])
			if err != nil {
				return err
			}
			return bookmark.RenderDeleted(r.out, format, s)
		},
	}
	cli.OutputFlag(cmd.Flags(), &o)
	return cmd
}

// bookmarkNameArg requires exactly one NAME argument.
func bookmarkNameArg(c *cobra.Command, args []string) error {
	if len(args) != 1 {
		return exit.InvalidInput("%q needs exactly one bookmark NAME, received %d argument(s)", c.CommandPath(), len(args))
	}
	return nil
}
