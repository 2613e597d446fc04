package main

import (
	"github.com/spf13/cobra"

	stella "github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/align"
	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/interrupt"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

func init() { register(newAlignCmd) }

func newAlignCmd(r *root) *cobra.Command {
	a := align.New(r.err)
	var o, config string
	cmd := &cobra.Command{
		Use:   "align",
		Short: "Check (and --fix) that Helm values and compose files pin the release manifest's digests",
		Long: `align compares a release manifest with Helm values files and Docker Compose
files: every image must be pinned to the manifest's digest. Targets come from
-f/--values and --target, or from a channel of the channels file
(--channel, --all-channels, or the channel whose values list holds -f).

With --fix every target is rewritten surgically (only digest/tag characters
change; all files or none); --fix --dry-run prints the diff. --lint also runs
helm lint, renders the chart through the Helm SDK (rendered images must align
too) and validates compose files through compose-go. See docs/align.md.

Exit codes: 0 aligned · 2 drift · 4 invalid input (nothing changed).`,
		Example: `  helm stella align -f deploy/helm/stellaops/values-prod.yaml
  helm stella align --channel stable --lint
  helm stella align --all-channels -o json
  helm stella align --release deploy/releases/2025.10.0-edge.yaml \
      --target deploy/compose/docker-compose.dev.yaml --ignore-repo nats
  helm stella align --channel stable --fix --dry-run`,
		Args: maxArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			if a.Fix && !a.DryRun {
				interrupt.Hold() // writes files: a first Ctrl-C is not obeyed half-way through the write
			}
			f, err := output.ParseFormat(o)
			if err != nil {
				return err
			}
			a.Registry.Config = r.settings.RegistryConfig
			if c.Flags().Changed("config") {
				a.SetConfig(config)
			}
			res, err := a.Run(c.Context())
			if err != nil {
				return err
			}
			for _, w := range res.Warnings {
				c.PrintErrln("warning: " + w)
			}
			if err := align.Render(r.out, f, res, output.NewColorizer(r.out, r.noColor)); err != nil {
				return err
			}
			if !res.Aligned {
				return exit.Failed("not aligned: %d finding(s) need attention", res.Problems())
			}
			return nil
		},
	}
	bindAlignFlags(cmd, a, &config, &o)
	return cmd
}

// bindAlignFlags binds the align flags to the operation's option fields.
func bindAlignFlags(cmd *cobra.Command, a *align.Align, config, o *string) {
	fl := cmd.Flags()
	fl.StringVar(&a.Release, "release", "", "release manifest (default: the channel's)")
	fl.StringArrayVarP(&a.Values, "values", "f", nil, "Helm values file to check (repeatable)")
	fl.StringArrayVar(&a.Targets, "target", nil, "values or compose file to check, kind detected by content (repeatable)")
	fl.StringVar(config, "config", channel.DefaultPath, "channels file")
	fl.StringVar(&a.Channel, "channel", "", "check every target of this channel")
	fl.BoolVar(&a.AllChannels, "all-channels", false, "check every channel of the channels file")
	fl.StringArrayVar(&a.IgnoreRepos, "ignore-repo", nil, "repository (name or path) never reported (repeatable)")
	fl.StringVar(&a.Match, "match", "", "match images to the manifest by name (last path segment, default) or repository")
	fl.StringArrayVar(&a.RegistryMap, "registry-map", nil, "FROM=TO registry rewrite applied to targets, e.g. mirror:5000=registry.example.org (repeatable)")
	fl.StringArrayVar(&a.EnvFiles, "env-file", nil, "env file interpolating compose targets (repeatable; default: the channel's)")
	fl.StringVar(&a.Chart, "chart", "", "chart rendered by --lint (default: the channel's)")
	fl.BoolVar(&a.Fix, "fix", false, "rewrite targets to pin exactly the manifest's digests")
	fl.BoolVar(&a.DryRun, "dry-run", false, "with --fix: print the unified diff, write nothing")
	fl.BoolVar(&a.Lint, "lint", false, "also helm-lint and render values targets, validate compose targets")
	fl.BoolVar(&a.CheckRegistry, "check-registry", false, "HEAD every pin's digest in the registry targets pull from (after --registry-map)")
	bindRegistryFlags(fl, &a.Registry)
	stella.OutputFlag(fl, o)
}
