package main

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/interrupt"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/smoke"
)

func init() { register(newSmokeCmd) }

// smokeFlags are the command line as typed; options() turns them into the
// operation's options once.
type smokeFlags struct {
	suite, channel, config, junit, output string
	parallel                              int
	timeout                               time.Duration
	baseURLs                              []string
}

func newSmokeCmd(r *root) *cobra.Command {
	f := &smokeFlags{}
	cmd := &cobra.Command{
		Use:   "smoke [RELEASE]",
		Short: "Run post-deploy smoke tests of a release through the Kubernetes API",
		Long: `Run the checks of a smoke suite (default deploy/smoke.yaml, or the channel's
smoke: file) against a release: http requests through a port-forward to a ready
pod of a Service (or --base-url), ready endpoints of every Service, the
release's Helm test hooks, and Jobs. Checks run in parallel, each with its own
timeout. See docs/smoke.md.

Exit codes: 0 all passed · 2 a check failed · 3 overall --timeout reached ·
4 bad suite or flag.`,
		Example: `  kubectl stella smoke stellaops -n stellaops --channel stable
  kubectl stella smoke stellaops -f deploy/smoke.yaml --junit smoke.xml -o json`,
		Args: maxArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runSmoke(c, r, f, args) },
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.suite, "filename", "f", "", "smoke suite file (default: the channel's smoke: file, else "+smoke.DefaultPath+")")
	fl.StringVar(&f.channel, "channel", "", "channel whose name and release-manifest version fill {{ .Channel }} and {{ .Version }}")
	fl.StringVar(&f.config, "config", channel.DefaultPath, "channels file")
	fl.IntVar(&f.parallel, "parallel", smoke.DefaultParallel, "checks run at once")
	fl.DurationVar(&f.timeout, "timeout", smoke.DefaultOverall, "overall timeout (each check also has its own)")
	fl.StringVar(&f.junit, "junit", "", "write a JUnit XML report to this file")
	fl.StringArrayVar(&f.baseURLs, "base-url", nil, "SERVICE=URL: reach SERVICE at URL instead of a port-forward (repeatable)")
	cli.OutputFlag(fl, &f.output)
	return cmd
}

func runSmoke(c *cobra.Command, r *root, f *smokeFlags, args []string) error {
	interrupt.Hold() // runs test hooks: a first Ctrl-C cancels them rather than exits
	format, opts, err := f.options(args)
	if err != nil {
		return err
	}
	cfg, err := r.clients()
	if err != nil {
		return err
	}
	opts.OnResult = smoke.Report(output.NewProgress(r.err), output.NewColorizer(r.err, r.noColor), "")
	sum, err := smoke.New(cfg).Run(c.Context(), opts)
	if sum == nil {
		return err
	}
	if f.junit != "" {
		var b bytes.Buffer
		if err := smoke.WriteJUnit(&b, sum); err != nil {
			return err
		}
		if err := os.WriteFile(f.junit, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("flag --junit: %w", err)
		}
	}
	if err := smoke.Render(r.out, format, output.NewColorizer(r.out, r.noColor), sum); err != nil {
		return err
	}
	if err != nil { // interrupted: the partial results are shown
		return err
	}
	return sum.Err()
}

// options validates the flags and loads the suite: every problem is one
// invalid-input line naming the flag or file:line; nothing has run yet.
func (f *smokeFlags) options(args []string) (output.Format, smoke.Options, error) {
	var o smoke.Options
	format, err := output.ParseFormat(f.output)
	if err != nil {
		return "", o, err
	}
	if f.parallel < 1 {
		return "", o, exit.InvalidInput("flag --parallel: must be at least 1, got %d", f.parallel)
	}
	if f.timeout <= 0 {
		return "", o, exit.InvalidInput("flag --timeout: must be positive, got %s", f.timeout)
	}
	if o.BaseURLs, err = parseBaseURLs(f.baseURLs); err != nil {
		return "", o, err
	}
	found, err := smoke.Find(smoke.Where{File: f.suite, Config: f.config, Channel: f.channel, Default: smoke.DefaultPath})
	if err != nil {
		return "", o, err
	}
	o.Suite, o.Channel, o.Version = found.Suite, found.Channel, found.Version
	if len(args) == 1 {
		o.Release = args[0]
	}
	o.Parallel, o.Timeout = f.parallel, f.timeout
	return format, o, nil
}

func parseBaseURLs(flags []string) (map[string]string, error) {
	out := map[string]string{}
	for _, s := range flags {
		svc, raw, ok := strings.Cut(s, "=")
		u, err := url.Parse(raw)
		if !ok || svc == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, exit.InvalidInput("flag --base-url: want SERVICE=http(s)://HOST[:PORT][/PATH], got %q", s)
		}
		out[svc] = raw
	}
	return out, nil
}
