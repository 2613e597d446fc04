package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// Root describes a binary's root command.
type Root struct {
	Display     string // "kubectl stella", "helm stella"
	Short, Long string
	Out, Err    io.Writer
	// Ran is set once flags and arguments were accepted (exit.Report then
	// prints no usage hint).
	Ran *bool
}

// NewRoot returns the root command: usage and errors silenced (main prints
// the one error line), flag errors as invalid input, help without arguments.
func NewRoot(r Root) *cobra.Command {
	cobra.EnableTraverseRunHooks = true
	cmd := &cobra.Command{
		Use:               "stella",
		Short:             r.Short,
		Long:              r.Long,
		Annotations:       map[string]string{cobra.CommandDisplayNameAnnotation: r.Display},
		SilenceUsage:      true,
		SilenceErrors:     true,
		Args:              NoArgs,
		RunE:              func(c *cobra.Command, _ []string) error { return c.Help() },
		PersistentPreRunE: func(*cobra.Command, []string) error { *r.Ran = true; return nil },
	}
	cmd.CompletionOptions.HiddenDefaultCmd = true
	cmd.SetOut(r.Out)
	cmd.SetErr(r.Err)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return exit.InvalidInput("%s (see '%s --help')", err, c.CommandPath())
	})
	return cmd
}

// NoArgs refuses any positional argument as an unknown command (exit 4).
func NoArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return exit.InvalidInput("unknown command %q for %q", args[0], c.CommandPath())
	}
	return nil
}

// MaxArgs refuses more than n positional arguments (exit 4).
func MaxArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) > n {
			return exit.InvalidInput("%q accepts at most %d argument(s), received %d", c.CommandPath(), n, len(args))
		}
		return nil
	}
}
