package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// root holds what every subcommand shares: the kubeconfig flags and streams.
type root struct {
	cmd      *cobra.Command
	flags    *genericclioptions.ConfigFlags
	out, err io.Writer
	noColor  bool
	ran      bool // set once flags and arguments were accepted
	// abort is cancelled by a second interrupt: stop even the rollback.
	abort context.Context
}

func newRoot(out, errw io.Writer) *root {
	cobra.EnableTraverseRunHooks = true
	r := &root{flags: genericclioptions.NewConfigFlags(true), out: out, err: errw}
	r.cmd = &cobra.Command{
		Use:   "stella",
		Short: "Rollback bookmarks, pod health verdicts and smoke tests for Helm releases",
		Long: `kubectl stella turns the Stella Ops deployment runbook into commands:
a rollback point that survives Helm's history pruning (bookmark), a health
verdict that fails fast and names the pod, container and reason (verify-pods),
and post-deploy smoke tests through the Kubernetes API (smoke).

Exit codes: 0 ok · 1 operational error · 2 check failed · 3 timeout ·
4 invalid input · 5 refused by a safety guard.`,
		Annotations:       map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl stella"},
		SilenceUsage:      true,
		SilenceErrors:     true,
		Args:              noArgs,
		RunE:              func(c *cobra.Command, _ []string) error { return c.Help() },
		PersistentPreRunE: func(*cobra.Command, []string) error { r.ran = true; return nil },
	}
	r.cmd.CompletionOptions.HiddenDefaultCmd = true
	r.cmd.SetOut(out)
	r.cmd.SetErr(errw)
	r.cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return exit.InvalidInput("%s (see '%s --help')", err, c.CommandPath())
	})
	r.flags.AddFlags(r.cmd.PersistentFlags())
	r.cmd.PersistentFlags().BoolVar(&r.noColor, "no-color", false, "never colour the output")
	for _, sub := range subcommands {
		r.cmd.AddCommand(sub(r))
	}
	attachCompletion(r)
	return r
}

// subcommands are registered by each command's file (one file per command).
var subcommands []func(*root) *cobra.Command

func register(sub func(*root) *cobra.Command) { subcommands = append(subcommands, sub) }

// clients builds the injected client configuration; called by commands
// that talk to the cluster, once, before their operation runs.
func (r *root) clients() (*kube.Config, error) {
	ctx := ""
	if r.flags.Context != nil {
		ctx = *r.flags.Context
	}
	return kube.Init(r.flags, kube.Options{Context: ctx, HelmDriver: helmDriver()})
}

func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return exit.InvalidInput("unknown command %q for %q", args[0], c.CommandPath())
	}
	return nil
}

func maxArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) > n {
			return exit.InvalidInput("%q accepts at most %d argument(s), received %d", c.CommandPath(), n, len(args))
		}
		return nil
	}
}
