package main

import (
	"github.com/spf13/cobra"

	stella "github.com/stella-ops/stella-plugins/internal/cli"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kit"
	"github.com/stella-ops/stella-plugins/pkg/kitdir"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

func newKitImagesCmd(r *root) *cobra.Command {
	op := kit.NewImages()
	var o string
	cmd := &cobra.Command{
		Use:   "images",
		Short: "Copy every image of a channel's release manifest, by digest, into the kit's OCI layout",
		Long: `images copies every image the channel's release manifest pins, by digest, into
KIT/images (an OCI image layout; multi-arch indexes whole, or one platform with
--platform), and copies the channel's release manifest, values, compose files and
env files, and its chart packaged with the Helm SDK. metadata/kit.json records
what was copied. Resumable: blobs already in the layout (present with their size)
are not fetched again, a complete image costs no request, and unchanged files are not
rewritten; offline-kit verify is the full check (it re-hashes every blob).
Credentials: --registry-config and the docker config.`,
		Example: `  helm stella offline-kit images --channel airgap --offline-kit-dir out/offline-kit
  helm stella offline-kit images --channel airgap --offline-kit-dir out/offline-kit --platform linux/amd64`,
		Args: maxArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			f, err := output.ParseFormat(o)
			if err != nil {
				return err
			}
			op.Registry.Config, op.Progress = r.settings.RegistryConfig, r.err
			res, err := op.Run(c.Context())
			if err != nil {
				return err
			}
			return kit.RenderImages(r.out, f, res)
		},
	}
	fl := cmd.Flags()
	kitdir.BindFlags(fl, &op.Request)
	bindRegistryFlags(fl, &op.Registry)
	stella.OutputFlag(fl, &o)
	return cmd
}

func newKitPushCmd(r *root) *cobra.Command {
	op := kit.NewPush()
	var o string
	cmd := &cobra.Command{
		Use:   "push DIR",
		Short: "Push the kit's images to the site's mirror registry, preserving their digests",
		Long: `push writes every image of the kit to REGISTRY (HOST[:PORT][/PREFIX]) under its
repository path (registry.stella-ops.org/stellaops/authority → HOST/PREFIX/stellaops/authority),
by tag when the release manifest names one, with the manifest bytes unchanged so every
digest resolves. It prints the --registry-map rules that let align --check-registry and
align map the mirror back to the release manifest.`,
		Example: `  helm stella offline-kit push out/offline-kit --registry registry.airgap.local:5000
  helm stella align --channel airgap --check-registry $(helm stella offline-kit push out/offline-kit --registry mirror:5000 -o flags)`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return exit.InvalidInput("%q needs exactly one argument, the kit directory", c.CommandPath())
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			f, err := output.ParseFormat(o, kit.Flags)
			if err != nil {
				return err
			}
			op.KitDir, op.Registry.Config, op.Progress = args[0], r.settings.RegistryConfig, r.err
			res, err := op.Run(c.Context())
			if err != nil {
				return err
			}
			return kit.RenderPush(r.out, f, res)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&op.Target, "registry", "", "mirror registry HOST[:PORT][/PREFIX] (required)")
	bindRegistryFlags(fl, &op.Registry)
	stella.OutputFlag(fl, &o, "flags (only the --registry-map flags)")
	return cmd
}
