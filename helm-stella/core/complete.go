package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/pkg/complete"
)

// attachCompletion gives release names to promote and safe-rollback,
// bookmark names to --to-bookmark and channel names to --channel, for
// `helm stella <TAB>` (plugin.complete calls `helm-stella __complete …`).
func attachCompletion(r *root) {
	for _, c := range r.cmd.Commands() {
		switch c.Name() {
		case "promote", "safe-rollback":
			c.ValidArgsFunction = r.completeReleases
		}
		if c.Flags().Lookup("to-bookmark") != nil {
			_ = c.RegisterFlagCompletionFunc("to-bookmark", r.completeBookmarks)
		}
		if c.Flags().Lookup("channel") != nil {
			_ = c.RegisterFlagCompletionFunc("channel", completeChannels)
		}
	}
}

func (r *root) completeReleases(c *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveDefault // CHART of promote: files
	}
	cfg, err := r.clients()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return complete.Releases(ctxOf(c), cfg, prefix), cobra.ShellCompDirectiveNoFileComp
}

func (r *root) completeBookmarks(c *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	cfg, err := r.clients()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	rel := ""
	if len(args) > 0 {
		rel = args[0]
	}
	return complete.Bookmarks(ctxOf(c), cfg, rel, prefix), cobra.ShellCompDirectiveNoFileComp
}

func completeChannels(c *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	path := "deploy/channels.yaml"
	if f := c.Flags().Lookup("config"); f != nil && f.Value.String() != "" {
		path = f.Value.String()
	}
	return complete.Channels(path, prefix), cobra.ShellCompDirectiveNoFileComp
}

func ctxOf(c *cobra.Command) context.Context {
	if ctx := c.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
