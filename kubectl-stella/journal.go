package main

import (
	"context"
	"fmt"
	"io"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

func init() { register(newJournalCmd) }

// journalFlags are the command line as typed; options() checks them once.
type journalFlags struct {
	since, output, format string
	keep                  int
	maxAge                string
}

// journalOptions are the checked flags.
type journalOptions struct {
	release   string
	since     time.Duration // 0: everything
	sinceText string        // --since as typed, for the empty message
	output    output.Format
	markdown  bool
	retain    journal.Retention
}

func newJournalCmd(r *root) *cobra.Command {
	f := &journalFlags{}
	cmd := &cobra.Command{
		Use:   "journal [RELEASE]",
		Short: "Show the operations journal: who promoted or rolled back what, when, how it ended",
		Long: `Show the journal entries that helm stella promote and safe-rollback write in
the release's namespace (one ConfigMap per operation), oldest first: operation,
revision from → to, outcome, duration, who and why. --format markdown prints the
rows of the runbook's §6 drill-log table, ready to paste into the ops wiki.
See docs/journal.md.`,
		Example: `  kubectl stella journal stellaops -n stellaops --since 30d
  kubectl stella journal -n stellaops -o json
  kubectl stella journal stellaops -n stellaops --format markdown`,
		Args: maxArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o, err := f.options(c, args)
			if err != nil {
				return err
			}
			cfg, err := r.clients()
			if err != nil {
				return err
			}
			var since time.Time
			if o.since > 0 {
				since = time.Now().Add(-o.since)
			}
			j := journal.New(cfg.Typed, cfg.Namespace)
			ids, err := j.Prune(c.Context(), o.release, o.retain)
			if note := journal.RetentionNote(ids, o.retain); note != "" {
				fmt.Fprintln(r.err, note)
			}
			if err != nil {
				return err
			}
			entries, err := j.List(c.Context(), o.release, since)
			if err != nil {
				return err
			}
			if len(entries) == 0 {
				if err := namespaceExists(c.Context(), cfg.Typed, cfg.Namespace); err != nil {
					return err
				}
			}
			o.sinceText = f.since
			return printJournal(r.out, r.err, o, journal.Report{Namespace: cfg.Namespace, Release: o.release, Entries: entries})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.since, "since", "", "only entries started within this age, e.g. 30d, 2w, 36h (default: all)")
	cli.OutputFlag(fl, &f.output)
	fl.StringVar(&f.format, "format", "", "markdown: the runbook §6 drill-log table instead of -o")
	fl.IntVar(&f.keep, "prune-keep", 0, "with RELEASE: first delete all but the newest N finished entries (needs delete on configmaps)")
	fl.StringVar(&f.maxAge, "prune-max-age", "", "with RELEASE: first delete finished entries that ended longer ago than AGE, e.g. 90d")
	return cmd
}

func (f *journalFlags) options(c *cobra.Command, args []string) (journalOptions, error) {
	var o journalOptions
	var err error
	if len(args) == 1 {
		o.release = args[0]
	}
	if f.since != "" {
		if o.since, err = journal.ParseSince(f.since); err != nil {
			return o, exit.InvalidInput("flag --since: %v", err)
		}
	}
	if f.keep < 0 {
		return o, exit.InvalidInput("flag --prune-keep: must not be negative, got %d", f.keep)
	}
	o.retain.Keep = f.keep
	if f.maxAge != "" {
		if o.retain.MaxAge, err = journal.ParseSince(f.maxAge); err != nil {
			return o, exit.InvalidInput("flag --prune-max-age: %v", err)
		}
	}
	if o.retain.Enabled() && o.release == "" {
		return o, exit.InvalidInput("flags --prune-keep/--prune-max-age: name the RELEASE whose entries to prune")
	}
	if o.output, err = output.ParseFormat(f.output); err != nil {
		return o, err
	}
	switch f.format {
	case "":
	case "markdown":
		if c.Flags().Changed("output") {
			return o, exit.InvalidInput("flags --format markdown and -o/--output cannot be used together")
		}
		o.markdown = true
	default:
		return o, exit.InvalidInput("flag --format: unknown format %q (want markdown)", f.format)
	}
	return o, nil
}

func printJournal(out, errw io.Writer, o journalOptions, r journal.Report) error {
	if o.markdown {
		_, err := io.WriteString(out, journal.Markdown(r.Entries))
		return err
	}
	if len(r.Entries) == 0 && o.output.IsTable() {
		_, err := fmt.Fprintf(errw, "No journal entries%s in namespace %s.\n", filters(o), r.Namespace)
		return err
	}
	return journal.Render(out, o.output, r)
}

// filters names the filters of an empty listing: " for release X since 30d".
func filters(o journalOptions) string {
	var s string
	if o.release != "" {
		s += " for release " + o.release
	}
	if o.sinceText != "" {
		s += " since " + o.sinceText
	}
	return s
}

// namespaceExists tells an empty journal from a namespace that does not
// exist (exit 4). Reading a Namespace is cluster-scoped: when the journal's
// Role cannot, the empty listing stands (the message still names the
// namespace); any other error is exit 1.
func namespaceExists(ctx context.Context, c kubernetes.Interface, ns string) error {
	_, err := c.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	switch {
	case err == nil, apierrors.IsForbidden(err):
		return nil
	case apierrors.IsNotFound(err):
		return exit.InvalidInput("flag --namespace: namespace %s not found", ns)
	}
	return fmt.Errorf("journal: cannot tell whether namespace %s exists: %w", ns, err)
}
