package main

import (
	"github.com/spf13/cobra"

	stella "github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/interrupt"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/rollback"
)

func init() { register(newSafeRollbackCmd) }

func newSafeRollbackCmd(r *root) *cobra.Command {
	o := rollback.Options{Timeout: rollback.DefaultTimeout, StaleAfter: rollback.DefaultStaleAfter, LockTimeout: rollback.DefaultLockTimeout,
		MaxHistory: r.settings.MaxHistory}
	var format string
	var dryRun bool
	var retain retentionFlags
	cmd := &cobra.Command{
		Use:   "safe-rollback RELEASE",
		Short: "Roll a release back with preflight, stuck-release recovery, verification, smoke and a journal entry",
		Long: `safe-rollback rolls RELEASE back to its newest bookmark, else to the last
deployed/superseded revision before the current one (or --to-bookmark /
--revision), through the Helm SDK; a target pruned from Helm's history is
restored from its bookmark as a new revision. It then verifies the pods
(fail fast, digests equal the target's) and runs the smoke suite, and
journals the operation, then applies the journal retention of the channels
file (--config) or --journal-keep/--journal-max-age, listing what it removed.

Exit codes: 0 rolled back and verified · 2 rolled back but verification or
smoke failed · 3 timeout · 4 invalid input · 5 refused (nothing changed).`,
		Args: maxArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			interrupt.Hold() // changes something: a first Ctrl-C cancels (clean up, roll back) rather than exits
			f, err := output.ParseFormat(format)
			if err != nil {
				return err
			}
			if len(args) != 1 {
				return exit.InvalidInput("%q needs RELEASE", c.CommandPath())
			}
			o.Release, o.Plan = args[0], o.Plan || dryRun
			if o.JournalRetention, err = retain.journal(c.Flags()); err != nil {
				return err
			}
			cfg, err := r.clients()
			if err != nil {
				return err
			}
			o.Progress = output.NewProgress(r.err)
			op := rollback.New(cfg)
			op.Options = o
			res, err := op.Run(c.Context())
			if res != nil {
				if rerr := rollback.Render(r.out, f, res); rerr != nil && err == nil {
					err = rerr
				}
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.ToBookmark, "to-bookmark", "", "roll back to this bookmark (restored from it when pruned from Helm's history)")
	fl.IntVar(&o.Revision, "revision", 0, "roll back to this revision (from a bookmark of it when pruned)")
	fl.DurationVar(&o.Timeout, "timeout", o.Timeout, "overall time for the rollback and its verification")
	stella.UnschedulableGraceFlag(fl, &o.UnschedulableGrace)
	fl.StringVar(&o.Reason, "reason", "", "why (journaled; the runbook's root cause)")
	fl.BoolVar(&o.Recover, "recover", false, "mark a stale pending-* revision failed first (no lock held, older than --stale-after)")
	fl.DurationVar(&o.StaleAfter, "stale-after", o.StaleAfter, "with --recover: how old a pending revision must be")
	fl.BoolVar(&o.RequireDigests, "require-digests", false, "refuse a target whose images are not pinned by digest")
	fl.BoolVar(&o.Plan, "plan", false, "print from → to and stop; nothing changes")
	fl.BoolVar(&dryRun, "dry-run", false, "same as --plan")
	fl.IntVar(&o.MaxHistory, "history-max", o.MaxHistory, historyMaxUsage)
	fl.DurationVar(&o.LockTimeout, "lock-timeout", o.LockTimeout, "how long the lock outlives a crashed holder")
	fl.StringVar(&o.Channel, "channel", "", "channel whose smoke suite runs after verification (with --config)")
	fl.StringVar(&o.Config, "config", "", "channels file: the --channel's smoke suite and the file's retention.journal")
	fl.StringVar(&o.SmokeSuite, "smoke", "", "smoke suite file (default: the channel's smoke:)")
	fl.BoolVar(&o.NoSmoke, "no-smoke", false, "skip the smoke suite (journaled as skipped), e.g. when the smoke target itself is broken")
	retain.bindJournal(fl)
	stella.OutputFlag(fl, &format)
	return cmd
}
