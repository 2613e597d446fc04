package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"
	"helm.sh/helm/v3/pkg/cli"

	stella "github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// root holds what every subcommand shares: Helm's settings and streams.
type root struct {
	cmd      *cobra.Command
	settings *cli.EnvSettings
	out, err io.Writer
	noColor  bool
	ran      bool // set once flags and arguments were accepted
	// abort is cancelled by a second interrupt: stop even the rollback.
	abort context.Context
}

func newRoot(out, errw io.Writer) *root {
	r := &root{settings: cli.New(), out: out, err: errw}
	r.cmd = stella.NewRoot(stella.Root{
		Display: "helm stella",
		Short:   "Align, promote and safely roll back Helm releases of Stella Ops",
		Long: `helm stella turns the Stella Ops deployment runbook into commands:
release manifest ↔ values ↔ compose digest alignment (align), staging →
production promotion with gates and evidence-keeping rollback (promote), and
guarded rollback with stuck-release recovery and a journal (safe-rollback).

Exit codes: 0 ok · 1 operational error · 2 check failed · 3 timeout ·
4 invalid input · 5 refused by a safety guard.`,
		Out: out, Err: errw, Ran: &r.ran,
	})
	r.settings.AddFlags(r.cmd.PersistentFlags())
	r.cmd.PersistentFlags().BoolVar(&r.noColor, "no-color", false, "never colour the output")
	for _, sub := range subcommands {
		r.cmd.AddCommand(sub(r))
	}
	attachCompletion(r)
	stella.CompleteOutputs(r.cmd)
	return r
}

// subcommands are registered by each command's file (one file per command).
var subcommands []func(*root) *cobra.Command

func register(sub func(*root) *cobra.Command) { subcommands = append(subcommands, sub) }

// clients builds the injected client configuration from Helm's settings.
func (r *root) clients() (*kube.Config, error) {
	var log io.Writer
	if r.settings.Debug {
		log = r.err
	}
	return kube.Init(r.settings.RESTClientGetter(), kube.Options{
		Namespace:  r.settings.Namespace(),
		Context:    r.settings.KubeContext,
		HelmDriver: helmDriver(),
		Log:        log,
	})
}

// noArgs and maxArgs are the shared argument checks (exit 4).
var (
	noArgs  = stella.NoArgs
	maxArgs = stella.MaxArgs
)
