package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
	"helm.sh/helm/v3/pkg/cli"

	stella "github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/interrupt"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/promote"
)

func init() { register(newPromoteCmd) }

// promoteFlags are the flags that are not options of the operation itself;
// files holds --git-commit/--git-tag of the channel workflow (--files-only).
type promoteFlags struct {
	output, requireStage string
	dryRun, filesOnly    bool
	retain               retentionFlags
	files                *promote.Files
}

func newPromoteCmd(r *root) *cobra.Command {
	p := promote.New(nil)
	fl := promoteFlags{files: promote.NewFiles()}
	cmd := &cobra.Command{
		Use:   "promote RELEASE CHART -f VALUES",
		Short: "Upgrade a release with preflight, fail-fast verification, smoke, gates and evidence-keeping rollback",
		Long: `promote upgrades (or first installs) RELEASE from CHART with -f VALUES:
preflight (values align with the channel's release manifest, release not
pending-*, lock free, --require-stage gate), bookmark of the current revision,
upgrade through the Helm SDK without --atomic, fail-fast wait with the
verify-pods engine, running digests = manifest pins, the channel's smoke
suite. Any failure or interrupt rolls back to the bookmark (never uninstalls)
and journals the evidence. Retention of its automatic bookmarks (default:
keep 10) and of the release's journal (default: keep all) comes from the
channels file's retention: or the flags, and what it removes is listed
(docs/channels.md#retention). A chart without a channels file gets the same
guarded upgrade: with neither --channel nor --release the alignment is
skipped (one notice), with --release alone it is made against that manifest.
Revisions are limited by --history-max as helm upgrade does. --files-only runs the channel workflow instead:
check everything first (release.channel, clean tree, free tag), point the
channel at --release, align --fix its files, move its version markers,
render the chart (align --lint; any drift restores every file), commit, tag.
See docs/promote.md.

Exit codes: 0 promoted and verified · 2 drift, or failed and rolled back ·
3 timeout (rolled back) · 4 invalid input · 5 refused (gate, lock, pending).`,
		Example: `  helm stella promote stellaops deploy/helm/stellaops -f deploy/helm/stellaops/values-stage.yaml -n stellaops
  helm stella promote stellaops deploy/helm/stellaops -f deploy/helm/stellaops/values-prod.yaml \
      --kube-context prod --require-stage staging/stellaops/stellaops --soak 30m
  helm stella promote stellaops deploy/helm/stellaops -f values-prod.yaml --plan
  helm stella promote --files-only --channel stable --release deploy/releases/2025.10.0-stable.yaml --git-commit --git-tag`,
		Args: maxArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			interrupt.Hold() // changes something: a first Ctrl-C cancels (clean up, roll back) rather than exits
			if fl.filesOnly {
				return runFiles(c, r, p, &fl)
			}
			return runPromote(c, r, p, &fl, args)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&p.ValuesFiles, "values", "f", nil, "values file (repeatable)")
	f.StringVar(&p.Channel, "channel", "", "channel of the channels file (default: the one whose values list holds -f)")
	f.StringVar(&p.Config, "config", channel.DefaultPath, "channels file (none there and no --channel/--release: alignment skipped)")
	f.DurationVar(&p.Timeout, "timeout", p.Timeout, "how long to wait for the new revision (failures end the wait early)")
	f.DurationVar(&p.StableFor, "stable-for", 0, "the new revision must stay healthy this long before smoke (a crash after start-up fails it)")
	stella.UnschedulableGraceFlag(f, &p.UnschedulableGrace)
	f.BoolVar(&p.Plan, "plan", false, "show what would change (digests, chart, masked values diff) and stop")
	f.BoolVar(&fl.dryRun, "dry-run", false, "alias of --plan")
	f.BoolVar(&p.NoRollback, "no-rollback", false, "leave a failed upgrade in place (evidence is still journaled)")
	f.StringVar(&fl.requireStage, "require-stage", "", "CONTEXT/NAMESPACE/RELEASE that must run the same digests, healthy, smoke passed")
	f.DurationVar(&p.Soak, "soak", 0, "with --require-stage: staging unchanged and healthy at least this long")
	f.DurationVar(&p.LockTimeout, "lock-timeout", 0, "how long the lock outlives a crashed holder (default 2m)")
	f.StringVar(&p.SmokeSuite, "smoke-suite", "", "smoke suite file (default: the channel's smoke:)")
	f.DurationVar(&p.SmokeTimeout, "smoke-timeout", 0, "overall smoke timeout (default 5m)")
	f.BoolVar(&p.NoSmoke, "no-smoke", false, "skip the smoke suite (journaled as skipped)")
	fl.retain.bindBookmarks(f, promote.DefaultKeepBookmarks)
	fl.retain.bindJournal(f)
	f.IntVar(&p.MaxHistory, "history-max", r.settings.MaxHistory, historyMaxUsage)
	f.BoolVar(&fl.filesOnly, "files-only", false, "channel workflow: point --channel at --release and align its files; no cluster")
	f.StringVar(&p.ReleaseManifest, "release", "", "release manifest to align with (default: the channel's; with --files-only: the channel's new manifest)")
	f.BoolVar(&p.CheckRegistry, "check-registry", false, "preflight: HEAD every pin's digest in its registry (also the channel's checkRegistry)")
	bindRegistryFlags(f, &p.Registry)
	f.BoolVar(&fl.files.GitCommit, "git-commit", false, "with --files-only: commit exactly the changed files plus a new or modified --release manifest (refused on uncommitted changes in the channel's files)")
	f.BoolVar(&fl.files.GitTag, "git-tag", false, "with --files-only: tag the promotion commit (stable: VERSION, airgap: VERSION-airgap; other channels: refused); an identical rerun is a no-op")
	stella.OutputFlag(f, &fl.output)
	return cmd
}

// runFiles is promote --files-only: the channel workflow, no cluster.
func runFiles(c *cobra.Command, r *root, p *promote.Promote, fl *promoteFlags) error {
	f, err := output.ParseFormat(fl.output)
	if err != nil {
		return err
	}
	op := fl.files
	op.Channel, op.ReleaseManifest, op.Config, op.Progress = p.Channel, p.ReleaseManifest, p.Config, output.NewProgress(r.err)
	return renderPromote(c.Context(), r, f, op.Run)
}

func runPromote(c *cobra.Command, r *root, p *promote.Promote, fl *promoteFlags, args []string) error {
	f, err := output.ParseFormat(fl.output)
	if err != nil {
		return err
	}
	if len(args) != 2 {
		return exit.InvalidInput("%q needs RELEASE and CHART (or --files-only)", c.CommandPath())
	}
	if fl.files.GitCommit || fl.files.GitTag {
		return exit.InvalidInput("flag --git-commit/--git-tag: only with --files-only")
	}
	p.Release, p.Chart = args[0], args[1]
	p.Plan = p.Plan || fl.dryRun
	if p.BookmarkRetention, err = fl.retain.bookmarks(c.Flags()); err != nil {
		return err
	}
	if p.JournalRetention, err = fl.retain.journal(c.Flags()); err != nil {
		return err
	}
	p.Progress, p.Abort, p.Registry.Config = output.NewProgress(r.err), r.abort, r.settings.RegistryConfig
	cfg, err := r.clients()
	if err != nil {
		return err
	}
	if fl.requireStage != "" {
		if p.Stage, p.StageRelease, err = r.stage(fl.requireStage); err != nil {
			return err
		}
	}
	return renderPromote(c.Context(), r, f, promote.NewOn(cfg, p).Run)
}

// renderPromote runs either operation (cluster promote or --files-only)
// and renders its result once, also on error; invalid input gets the one
// error line only.
func renderPromote(ctx context.Context, r *root, f output.Format, run func(context.Context) (*promote.Result, error)) error {
	res, err := run(ctx)
	if res != nil && exit.CodeOf(err) != exit.Invalid {
		if rerr := promote.Render(r.out, f, res); rerr != nil && err == nil {
			err = rerr
		}
	}
	return err
}

// stage builds the configuration of --require-stage CONTEXT/NAMESPACE/RELEASE:
// the same kubeconfig, the other context and namespace, and the caller's
// own credentials and TLS settings (--kube-token, --kube-as-user,
// --kube-as-group, --kube-ca-file, --kube-tls-server-name,
// --kube-insecure-skip-tls-verify, their HELM_* variables, QPS and burst),
// through Helm's own settings so the stage client is built as Helm builds
// the main one. --kube-apiserver is not carried over: it names the target
// cluster's server, the stage's comes from its context.
func (r *root) stage(spec string) (*kube.Config, string, error) {
	parts := strings.Split(spec, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return nil, "", exit.InvalidInput("flag --require-stage: want CONTEXT/NAMESPACE/RELEASE, got %q", spec)
	}
	s := stageSettings(r.settings, parts[0], parts[1])
	cfg, err := kube.Init(s.RESTClientGetter(), kube.Options{Context: parts[0], Namespace: parts[1], HelmDriver: helmDriver()})
	if err != nil {
		return nil, "", exit.InvalidInput("flag --require-stage: %v", err)
	}
	return cfg, parts[2], nil
}

// stageSettings copies the caller's connection settings onto a fresh
// EnvSettings pointed at context and namespace.
func stageSettings(caller *cli.EnvSettings, context, namespace string) *cli.EnvSettings {
	s := cli.New()
	s.KubeConfig, s.KubeContext, s.KubeAPIServer = caller.KubeConfig, context, ""
	s.KubeToken, s.KubeAsUser, s.KubeAsGroups = caller.KubeToken, caller.KubeAsUser, caller.KubeAsGroups
	s.KubeCaFile, s.KubeTLSServerName = caller.KubeCaFile, caller.KubeTLSServerName
	s.KubeInsecureSkipTLSVerify = caller.KubeInsecureSkipTLSVerify
	s.BurstLimit, s.QPS = caller.BurstLimit, caller.QPS
	s.SetNamespace(namespace)
	return s
}
