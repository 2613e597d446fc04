package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

func init() { register(newJournalCmd) }

// journalFlags are the command line as typed; options() checks them once.
type journalFlags struct {
	since, output, format string
}

// journalOptions are the checked flags.
type journalOptions struct {
	release  string
	since    time.Duration // 0: everything
	output   output.Format
	markdown bool
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
			entries, err := journal.New(cfg.Typed, cfg.Namespace).List(c.Context(), o.release, since)
			if err != nil {
				return err
			}
			return printJournal(r.out, r.err, o, journal.Report{Namespace: cfg.Namespace, Release: o.release, Entries: entries})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.since, "since", "", "only entries started within this age, e.g. 30d, 2w, 36h (default: all)")
	fl.StringVarP(&f.output, "output", "o", "table", "output format: table|json|yaml")
	fl.StringVar(&f.format, "format", "", "markdown: the runbook §6 drill-log table instead of -o")
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
	if len(r.Entries) == 0 && o.output == output.Table {
		_, err := fmt.Fprintf(errw, "No journal entries in namespace %s.\n", r.Namespace)
		return err
	}
	return journal.Render(out, o.output, r)
}
