package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	stella "github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/debugstore"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kit"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/registry"
)

func init() { register(newOfflineKitCmd) }

func newOfflineKitCmd(r *root) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "offline-kit",
		Short: "Build, verify and push the Offline Kit of a channel (runbook §2.4, airgap)",
		Long: `offline-kit builds what an airgapped site needs (docs/offline-kit.md):

  mirror-debug  the release's debug store (debug/.build-id) and metadata/debug-store.json (runbook §2.4)
  images        every image a channel's release manifest pins, by digest, into an OCI layout,
                with the channel's release manifest, values, compose files and packaged chart
  verify        re-hash everything against metadata/kit.json and debug-store.json
  push          the kit's images to the site's mirror registry, digests preserved

Exit codes: 0 ok · 1 operational · 2 refused files or verification failed · 4 invalid input (nothing written).`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	cmd.AddCommand(newMirrorDebugCmd(r), newKitImagesCmd(r), newKitVerifyCmd(r), newKitPushCmd(r))
	return cmd
}

func newMirrorDebugCmd(r *root) *cobra.Command {
	m := debugstore.NewMirror()
	var o string
	cmd := &cobra.Command{
		Use:   "mirror-debug",
		Short: "Mirror the release's debug/.build-id store into the kit and write metadata/debug-store.json",
		Long: `mirror-debug copies RELEASE/debug/.build-id/** into KIT/debug/.build-id and writes
KIT/metadata/debug-store.json (schema: docs/offline-kit.md). Every file must be ELF and
its GNU build-id note must match its path; others are refused (exit 2) and the kit is
left as it was. Unchanged files are not copied again; symlinks leaving the release dir
are refused.`,
		Example: `  helm stella offline-kit mirror-debug --release-dir out/release --offline-kit-dir out/offline-kit`,
		Args:    maxArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			f, err := output.ParseFormat(o)
			if err != nil {
				return err
			}
			res, err := m.Run(c.Context())
			if res != nil && len(res.Refused) > 0 {
				for _, ref := range res.Refused {
					fmt.Fprintf(r.err, "refused: %s: %s\n", ref.Path, ref.Reason)
				}
			}
			if err != nil {
				return err
			}
			return debugstore.Render(r.out, f, res)
		},
	}
	cmd.Flags().StringVar(&m.ReleaseDir, "release-dir", "", "release output holding debug/.build-id (required)")
	cmd.Flags().StringVar(&m.KitDir, "offline-kit-dir", "", "offline kit directory, created when missing (required)")
	stella.OutputFlag(cmd.Flags(), &o)
	return cmd
}

func newKitVerifyCmd(r *root) *cobra.Command {
	var o string
	jobs := 4
	cmd := &cobra.Command{
		Use:     "verify DIR",
		Short:   "Re-hash every blob and file of an offline kit against kit.json and debug-store.json",
		Example: `  helm stella offline-kit verify out/offline-kit`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return exit.InvalidInput("%q needs exactly one argument, the kit directory", c.CommandPath())
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			f, err := output.ParseFormat(o)
			if err != nil {
				return err
			}
			res, err := kit.Verify(c.Context(), args[0], jobs)
			if err != nil {
				return err
			}
			if err := kit.RenderVerify(r.out, f, args[0], res); err != nil {
				return err
			}
			if len(res.Problems) > 0 {
				return exit.Failed("offline kit %s: %d problem(s)", args[0], len(res.Problems))
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&jobs, "jobs", jobs, "files hashed in parallel")
	stella.OutputFlag(cmd.Flags(), &o)
	return cmd
}

// bindRegistryFlags binds how registries are reached (align and offline-kit);
// credentials come from Helm's --registry-config and the docker config.
func bindRegistryFlags(fl *pflag.FlagSet, o *registry.Options) {
	fl.StringVar(&o.CAFile, "ca-file", "", "CA bundle to trust for registry TLS")
	fl.BoolVar(&o.PlainHTTP, "plain-http", false, "talk plain HTTP to registries (a loopback or lab mirror)")
	fl.DurationVar(&o.Timeout, "registry-timeout", 30*time.Second, "timeout of one registry request")
	fl.IntVar(&o.Jobs, "registry-jobs", 8, "registry requests in parallel")
}
