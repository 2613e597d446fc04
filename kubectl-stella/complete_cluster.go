package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/pkg/complete"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

type lister func(ctx context.Context, cfg *kube.Config, prefix string) []string

// completeFirst completes the first positional argument with list.
func (r *root) completeFirst(list lister) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cfg, err := r.clients()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return list(c.Context(), cfg, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

func (r *root) bookmarks(ctx context.Context, cfg *kube.Config, prefix string) []string {
	return complete.Bookmarks(ctx, cfg, "", prefix)
}
