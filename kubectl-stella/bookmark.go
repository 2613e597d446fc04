package main

import (
	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/interrupt"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

func init() { register(newBookmarkCmd) }

// bookmarkFlags are the create command's flags, turned into a
// bookmark.Create once.
type bookmarkFlags struct {
	name, note, outputFile, gitDir, output string
	keep, revision                         int
	showValues, pruneNamed, pruneLastCopy  bool
}

func newBookmarkCmd(r *root) *cobra.Command {
	var f bookmarkFlags
	cmd := &cobra.Command{
		Use:   "bookmark [RELEASE]",
		Short: "Record a rollback point of a Helm release that survives Helm's history pruning",
		Long: `Record the release's deployed revision (the full release as Helm stores it,
every container's running digest, the deploy checkout's git state, who and
when) in a Secret of the release's namespace. With no RELEASE, the
namespace's only Helm release is bookmarked. Values are never printed
unless --show-values. See docs/bookmark.md.`,
		Args: maxArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			interrupt.Hold() // changes something: a first Ctrl-C cancels (clean up, roll back) rather than exits
			format, err := output.ParseFormat(f.output)
			if err != nil {
				return err
			}
			if err := bookmark.CheckOutputFile(f.outputFile); err != nil {
				return err
			}
			cfg, err := r.clients()
			if err != nil {
				return err
			}
			op := bookmark.NewCreate(cfg)
			op.Name, op.Note, op.GitDir, op.Keep, op.Revision = f.name, f.note, f.gitDir, f.keep, f.revision
			op.Prune = bookmark.PruneOptions{Named: f.pruneNamed, LastCopy: f.pruneLastCopy}
			res, err := op.Run(c.Context(), firstArg(args))
			if err != nil {
				if res != nil && len(res.Pruned) > 0 {
					_ = bookmark.RenderPruned(r.err, res.Pruned, "")
				}
				return err
			}
			if err := writeBookmarkFile(res.Bookmark, f); err != nil {
				return err
			}
			return bookmark.RenderCreate(r.out, format, res)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "", "bookmark name (default stella-bookmark-<release>-<revision>-<yymmdd-hhmmss>)")
	fl.StringVar(&f.note, "note", "", "free text kept with the bookmark")
	fl.IntVar(&f.keep, "keep", 0, "after creating, delete the release's bookmarks beyond N, duplicates first, and list them (0 keeps all)")
	fl.BoolVar(&f.pruneNamed, "prune-named", false, "let --keep delete bookmarks given a --name (kept by default)")
	fl.BoolVar(&f.pruneLastCopy, "prune-last-copy", false, "let --keep delete the only copy of a revision Helm's history no longer holds (kept by default)")
	fl.IntVar(&f.revision, "revision", 0, "bookmark this Helm revision (default: the deployed one)")
	fl.StringVar(&f.outputFile, "output-file", "", "also write the bookmark to this local file (mode 0600; .yaml/.yml for YAML, else JSON)")
	fl.StringVar(&f.gitDir, "git-dir", "", "the deploy checkout whose git state is recorded (default: the working directory)")
	fl.BoolVar(&f.showValues, "show-values", false, "include the release's user values in the output (they can hold credentials)")
	cli.OutputFlag(fl, &f.output)
	cmd.AddCommand(newBookmarkListCmd(r), newBookmarkShowCmd(r), newBookmarkDeleteCmd(r))
	return cmd
}

// showBookmark prints b once and writes --output-file; values only with
// --show-values.
func showBookmark(r *root, b *bookmark.Bookmark, f bookmarkFlags, format output.Format) error {
	if err := writeBookmarkFile(b, f); err != nil {
		return err
	}
	return bookmark.Render(r.out, format, b)
}

// writeBookmarkFile loads values with --show-values and writes --output-file.
func writeBookmarkFile(b *bookmark.Bookmark, f bookmarkFlags) error {
	if f.showValues {
		if err := b.LoadValues(); err != nil {
			return err
		}
	}
	if f.outputFile != "" {
		return bookmark.WriteFile(f.outputFile, b)
	}
	return nil
}

func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
