package complete

import (
	"context"
	"sort"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// Releases lists the Helm releases of cfg's namespace starting with prefix.
func Releases(ctx context.Context, cfg *kube.Config, prefix string) []string {
	names, err := helmx.New(cfg).Releases(ctx)
	if err != nil {
		return nil
	}
	return Filter(names, prefix)
}

// Bookmarks lists the bookmarks (of release, when not empty) starting with prefix.
func Bookmarks(ctx context.Context, cfg *kube.Config, release, prefix string) []string {
	list, err := bookmark.NewList(cfg).Run(ctx, release)
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(list))
	for _, b := range list {
		names = append(names, b.Name)
	}
	return Filter(names, prefix)
}

// Channels lists the channels of a channels file starting with prefix.
func Channels(path, prefix string) []string {
	f, err := channel.Load(path)
	if err != nil {
		return nil
	}
	return Filter(f.Names(), prefix)
}

// Filter keeps the names starting with prefix, sorted and without repeats.
func Filter(names []string, prefix string) []string {
	out := make([]string, 0, len(names))
	seen := map[string]bool{}
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
