package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/stella-ops/stella-plugins/pkg/output"
)

// extraFormats is the annotation of an -o flag naming the command's own
// formats besides output.Formats (push's "flags").
const extraFormats = "stella.ops/extra-formats"

// CompleteOutputs gives every -o flag under c its formats as completions
// (`helm stella promote -o <TAB>`): the shared ones, the command's own, and
// the template formats with their "=" (no space after them).
func CompleteOutputs(c *cobra.Command) {
	if fl := c.Flags().Lookup("output"); fl != nil {
		extra := fl.Annotations[extraFormats]
		_ = c.RegisterFlagCompletionFunc("output", func(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return outputCompletions(extra, prefix)
		})
	}
	for _, sub := range c.Commands() {
		CompleteOutputs(sub)
	}
}

func outputCompletions(extra []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	templates := true
	for _, f := range append(strings.Split(output.Formats, "|"), extra...) {
		f = strings.TrimSuffix(f, "…")
		if strings.HasPrefix(f, prefix) {
			out = append(out, f)
			templates = templates && strings.HasSuffix(f, "=")
		}
	}
	d := cobra.ShellCompDirectiveNoFileComp
	if len(out) > 0 && templates {
		d |= cobra.ShellCompDirectiveNoSpace // jsonpath=<the template>
	}
	return out, d
}
