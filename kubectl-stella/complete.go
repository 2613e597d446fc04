package main

import (
	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/pkg/complete"
)

// attachCompletion gives every command that takes a release or bookmark
// name dynamic completion from the cluster (kubectl_complete-stella calls
// `kubectl stella __complete …`).
func attachCompletion(r *root) {
	byPath := map[string]cobra.CompletionFunc{
		"bookmark":        r.completeFirst(complete.Releases),
		"bookmark list":   r.completeFirst(complete.Releases),
		"bookmark show":   r.completeFirst(r.bookmarks),
		"bookmark delete": r.completeFirst(r.bookmarks),
		"verify-pods":     r.completeFirst(complete.Releases),
		"smoke":           r.completeFirst(complete.Releases),
		"journal":         r.completeFirst(complete.Releases),
	}
	walk(r.cmd, "", func(c *cobra.Command, path string) {
		if f, ok := byPath[path]; ok {
			c.ValidArgsFunction = f
		}
	})
}

func walk(c *cobra.Command, path string, visit func(*cobra.Command, string)) {
	for _, sub := range c.Commands() {
		p := sub.Name()
		if path != "" {
			p = path + " " + sub.Name()
		}
		visit(sub, p)
		walk(sub, p, visit)
	}
}
