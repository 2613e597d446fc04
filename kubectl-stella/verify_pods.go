package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/verify"
	"github.com/stella-ops/stella-plugins/pkg/watch"
)

func init() { register(newVerifyPodsCmd) }

// verifyPodsFlags are the command's flags, converted once to verify.Options.
type verifyPodsFlags struct {
	selector, manifest, channel, config, output string
	all, wait, logs                             bool
	timeout, stableFor                          time.Duration
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
			progress, tty := output.NewProgress(r.err), output.IsTerminal(r.err)
			v.Progress = func(s watch.Snapshot) { progress.Update(progressLine(s, tty)) }
			res, err := v.Run(c.Context())
			if err != nil {
				return err
			}
			if err := renderVerify(r.out, format, res, output.NewColorizer(r.out, r.noColor)); err != nil {
				return err
			}
			return verdictError(res)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.selector, "selector", "l", "", "label selector of the workloads (instead of, or with, RELEASE)")
	fl.BoolVarP(&f.all, "all-namespaces", "A", false, "look in every namespace")
	fl.BoolVar(&f.wait, "wait", false, "watch until healthy; fail fast when failure is certain")
	fl.DurationVar(&f.timeout, "timeout", 5*time.Minute, "with --wait: give up after this long (exit 3)")
	fl.DurationVar(&f.stableFor, "stable-for", 0, "healthy must hold this long (implies --wait), e.g. 30s")
	fl.BoolVar(&f.logs, "logs", false, "show the last log lines of unhealthy containers")
	fl.Int64Var(&f.tail, "tail", 20, "with --logs: how many log lines")
	fl.StringVar(&f.manifest, "release-manifest", "", "release manifest whose digests the running containers must match")
	fl.StringVar(&f.channel, "channel", "", "channel (in --config) whose release manifest the running digests must match")
	fl.StringVar(&f.config, "config", "deploy/channels.yaml", "channels file, for --channel")
	fl.StringVarP(&f.output, "output", "o", "table", "output format: table|json|yaml")
	return cmd
}

// options validates the flags once and converts them to verify.Options.
func (f *verifyPodsFlags) options(c *cobra.Command, args []string) (verify.Options, error) {
	o := verify.Options{Selector: f.selector, AllNamespaces: f.all, Wait: f.wait || f.stableFor > 0,
		Timeout: f.timeout, StableFor: f.stableFor, Logs: f.logs, TailLines: f.tail,
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

// progressLine is the status block: with timings on a TTY (redrawn in
// place); without them otherwise, so plain logs get a line only on change.
func progressLine(s watch.Snapshot, tty bool) string {
	line := fmt.Sprintf("%s: %s", s.State, s.Summary)
	if !tty {
		if s.State == health.Healthy {
			line += " (holding for --stable-for)"
		}
		return line
	}
	line = fmt.Sprintf("[%s] %s", s.Elapsed.Round(time.Second), line)
	if s.State == health.Healthy && s.HealthyFor > 0 {
		line += fmt.Sprintf(" (stable for %s)", s.HealthyFor.Round(time.Second))
	}
	return line
}

// verdictError maps the verdict to its exit code: 0, 2 or 3.
func verdictError(r *verify.Result) error {
	switch r.Verdict {
	case verify.Healthy:
		return nil
	case verify.TimedOut:
		return exit.TimedOut("%s", r.Message)
	}
	return exit.Failed("%s", r.Message)
}

func renderVerify(w io.Writer, f output.Format, r *verify.Result, c output.Colorizer) error {
	if f != output.Table {
		return output.Structured(w, f, r)
	}
	t := output.NewTable(w)
	head := []string{"WORKLOAD", "KIND", "READY", "STATUS", "REASON"}
	if r.AllNamespaces {
		head = append([]string{"NAMESPACE"}, head...)
	}
	output.Row(t, head...)
	for _, wl := range r.Workloads {
		row := []string{wl.Name, wl.Kind, fmt.Sprintf("%d/%d", wl.Ready, wl.Desired), paint(c, wl.State), wl.Reason}
		if r.AllNamespaces {
			row = append([]string{wl.Namespace}, row...)
		}
		output.Row(t, row...)
	}
	if err := t.Flush(); err != nil {
		return err
	}
	for _, wl := range r.Unhealthy() {
		renderDetail(w, wl)
	}
	fmt.Fprintf(w, "\nverdict: %s — %s\n", paintVerdict(c, r.Verdict), r.Message)
	return nil
}

func renderDetail(w io.Writer, wl verify.Workload) {
	fmt.Fprintf(w, "\n%s/%s", wl.Kind, wl.Name)
	if wl.Message != "" {
		fmt.Fprintf(w, ": %s", wl.Message)
	}
	fmt.Fprintln(w)
	for _, e := range wl.Events {
		fmt.Fprintf(w, "  event      %s\n", e)
	}
	for _, f := range wl.Findings {
		fmt.Fprintf(w, "  pod        %s\n", f.Pod)
		if f.Container != "" {
			kind := ""
			if f.Init {
				kind = " (init)"
			}
			fmt.Fprintf(w, "  container  %s%s\n", f.Container, kind)
		}
		certainty := "still progressing"
		if f.Certain {
			certainty = "certain failure"
		}
		fmt.Fprintf(w, "  reason     %s (%s)\n", f.Reason, certainty)
		if f.Message != "" {
			fmt.Fprintf(w, "  message    %s\n", f.Message)
		}
		if f.Expected != "" {
			fmt.Fprintf(w, "  expected   %s\n  running    %s\n", f.Expected, f.Running)
		}
		for _, e := range f.Events {
			fmt.Fprintf(w, "  event      %s\n", e)
		}
		if len(f.Logs) == 1 && strings.HasPrefix(f.Logs[0], "(") {
			fmt.Fprintf(w, "  logs       %s\n", f.Logs[0]) // a note: unavailable, or empty
		} else if len(f.Logs) > 0 {
			fmt.Fprintf(w, "  logs       (last %d lines)\n", len(f.Logs))
			for _, l := range f.Logs {
				fmt.Fprintf(w, "    %s\n", l)
			}
		}
	}
}

func paint(c output.Colorizer, s health.State) string {
	switch s {
	case health.Healthy:
		return c.Good(string(s))
	case health.Failed:
		return c.Bad(string(s))
	}
	return c.Warn(string(s))
}

func paintVerdict(c output.Colorizer, v verify.Verdict) string {
	if v == verify.Healthy {
		return c.Good(strings.ToUpper(string(v)))
	}
	return c.Bad(strings.ToUpper(string(v)))
}
