package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/verify"
)

func init() { register(newVerifyPodsCmd) }

// verifyPodsFlags are the command's flags, converted once to verify.Options.
type verifyPodsFlags struct {
	selector, manifest, channel, config, output string
	all, wait, logs                             bool
	timeout, stableFor, grace                   time.Duration
	tail                                        int64
}

func newVerifyPodsCmd(r *root) *cobra.Command {
	f := &verifyPodsFlags{}
	cmd := &cobra.Command{
		Use:   "verify-pods [RELEASE]",
		Short: "Health verdict of a release's workloads that names the pod, container and reason",
		Long: `verify-pods discovers a release's workloads (Helm ownership annotations, or
-l), computes each one's status with kstatus semantics and adds the pod-level
failures kstatus and helm --wait miss: CrashLoopBackOff, ImagePullBackOff,
CreateContainerConfigError, OOMKilled, Unschedulable, init-container failures,
restarts during the check, and running digests that differ from the release
manifest. With --wait it watches until healthy, failing fast as soon as
failure is certain.

Exit codes: 0 healthy · 1 API error · 2 unhealthy · 3 timeout · 4 invalid input.`,
		Example: `  kubectl stella verify-pods stellaops -n stellaops
  kubectl stella verify-pods stellaops --wait --timeout 15m --stable-for 30s
  kubectl stella verify-pods -l app.kubernetes.io/part-of=stellaops -A -o json
  kubectl stella verify-pods stellaops --channel edge --config deploy/channels.yaml --logs`,
		Args: maxArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			format, err := output.ParseFormat(f.output)
			if err != nil {
				return err
			}
			o, err := f.options(c, args)
			if err != nil {
				return err
			}
			cfg, err := r.clients()
			if err != nil {
				return err
			}
			v := verify.New(cfg)
			v.Options = o
			progress := output.NewProgress(r.err)
			v.Progress = verify.Report(progress, "")
			res, err := v.Run(c.Context())
			if err != nil {
				return err
			}
			if res.Note != "" {
				progress.Logf("note: %s", res.Note)
			}
			if err := verify.Render(r.out, format, res, output.NewColorizer(r.out, r.noColor)); err != nil {
				return err
			}
			return res.Err()
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.selector, "selector", "l", "", "label selector of the workloads (instead of, or with, RELEASE)")
	fl.BoolVarP(&f.all, "all-namespaces", "A", false, "look in every namespace")
	fl.BoolVar(&f.wait, "wait", false, "watch until healthy; fail fast when failure is certain")
	fl.DurationVar(&f.timeout, "timeout", 5*time.Minute, "with --wait: give up after this long (exit 3)")
	fl.DurationVar(&f.stableFor, "stable-for", 0, "healthy must hold this long (implies --wait), e.g. 30s")
	cli.UnschedulableGraceFlag(fl, &f.grace)
	fl.BoolVar(&f.logs, "logs", false, "show the last log lines of unhealthy containers")
	fl.Int64Var(&f.tail, "tail", 20, "with --logs: how many log lines")
	fl.StringVar(&f.manifest, "release-manifest", "", "release manifest whose digests the running containers must match")
	fl.StringVar(&f.channel, "channel", "", "channel (in --config) whose release manifest the running digests must match")
	fl.StringVar(&f.config, "config", "deploy/channels.yaml", "channels file, for --channel")
	cli.OutputFlag(fl, &f.output)
	return cmd
}

// options validates the flags once and converts them to verify.Options.
func (f *verifyPodsFlags) options(c *cobra.Command, args []string) (verify.Options, error) {
	o := verify.Options{Selector: f.selector, AllNamespaces: f.all, Wait: f.wait || f.stableFor > 0,
		Timeout: f.timeout, StableFor: f.stableFor, UnschedulableGrace: f.grace, Logs: f.logs, TailLines: f.tail,
		ReleaseManifest: f.manifest, Channel: f.channel, ChannelsFile: f.config}
	if len(args) == 1 {
		o.Release = args[0]
	}
	switch {
	case f.timeout <= 0:
		return o, exit.InvalidInput("flag --timeout: must be positive, got %s", f.timeout)
	case f.stableFor < 0:
		return o, exit.InvalidInput("flag --stable-for: must not be negative, got %s", f.stableFor)
	case f.tail <= 0:
		return o, exit.InvalidInput("flag --tail: must be positive, got %d", f.tail)
	case f.manifest != "" && f.channel != "":
		return o, exit.InvalidInput("flags --release-manifest and --channel: pass one, not both")
	case c.Flags().Changed("config") && f.channel == "":
		return o, exit.InvalidInput("flag --config: only used with --channel")
	}
	return o, nil
}
