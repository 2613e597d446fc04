package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/version"
)

// OutputFlag binds -o/--output with the formats every result supports
// (docs/output.md), plus a command's extra ones ("flags (…)").
func OutputFlag(fs *pflag.FlagSet, p *string, extra ...string) {
	help := "output format: " + output.Formats
	for _, e := range extra {
		help += "|" + e
	}
	fs.StringVarP(p, "output", "o", "table", help)
	names := make([]string, 0, len(extra))
	for _, e := range extra {
		name, _, _ := strings.Cut(e, " ")
		names = append(names, name)
	}
	_ = fs.SetAnnotation("output", extraFormats, names)
}

// VersionCmd prints binary's version, git commit and Go version to out.
func VersionCmd(out io.Writer, binary string) *cobra.Command {
	var o string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the plugin's version, git commit and Go version",
		Args:  MaxArgs(0),
		RunE: func(*cobra.Command, []string) error {
			f, err := output.ParseFormat(o)
			if err != nil {
				return err
			}
			return RenderVersion(out, f, binary)
		},
	}
	OutputFlag(cmd.Flags(), &o)
	return cmd
}

// RenderVersion writes the build information of binary in format f.
func RenderVersion(w io.Writer, f output.Format, binary string) error {
	info := version.Get()
	if !f.IsTable() {
		return output.Print(w, f, output.Result{Kind: version.Kind, Value: info, Names: []string{output.Name(version.Kind, info.Version)}})
	}
	_, err := fmt.Fprintf(w, "%s %s (commit %s, %s, %s)\n", binary, info.Version, info.GitCommit, info.GoVersion, info.Platform)
	return err
}
