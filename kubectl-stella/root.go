package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/stella-ops/stella-plugins/internal/cli"
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
	r := &root{flags: genericclioptions.NewConfigFlags(true), out: out, err: errw}
	r.cmd = cli.NewRoot(cli.Root{
		Display: "kubectl stella",
		Short:   "Rollback bookmarks, pod health verdicts and smoke tests for Helm releases",
		Long: `kubectl stella turns the Stella Ops deployment runbook into commands:
a rollback point that survives Helm's history pruning (bookmark), a health
verdict that fails fast and names the pod, container and reason (verify-pods),
and post-deploy smoke tests through the Kubernetes API (smoke).

Exit codes: 0 ok · 1 operational error · 2 check failed · 3 timeout ·
4 invalid input · 5 refused by a safety guard.`,
		Out: out, Err: errw, Ran: &r.ran,
	})
	r.flags.AddFlags(r.cmd.PersistentFlags())
	r.cmd.PersistentFlags().BoolVar(&r.noColor, "no-color", false, "never colour the output")
	for _, sub := range subcommands {
		r.cmd.AddCommand(sub(r))
	}
	attachCompletion(r)
	cli.CompleteOutputs(r.cmd)
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

// noArgs and maxArgs are the shared argument checks (exit 4).
var (
	noArgs  = cli.NoArgs
	maxArgs = cli.MaxArgs
)
