package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestCompleteOutputs runs cobra's own __complete, as the shells do.
func TestCompleteOutputs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // the completions, then cobra's ":directive" line
	}{
		{[]string{"show", "-o", "j"}, "json\njsonpath=\njsonpath-as-json=\njsonpath-file=\n:4\n"},
		{[]string{"show", "-o", "jsonp"}, "jsonpath=\njsonpath-as-json=\njsonpath-file=\n:6\n"},
		{[]string{"show", "-o", "y"}, "yaml\n:4\n"},
		{[]string{"show", "--output", "go-"}, "go-template=\ngo-template-file=\n:6\n"},
		{[]string{"push", "-o", "f"}, "flags\n:4\n"},
		{[]string{"show", "-o", "f"}, ":4\n"}, // flags is push's own
		{[]string{"show", "-o", ""}, "table\nwide\njson\nyaml\nname\njsonpath=\njsonpath-as-json=\njsonpath-file=\ngo-template=\ngo-template-file=\n:4\n"},
	} {
		root := &cobra.Command{Use: "stella"}
		var o string
		show := &cobra.Command{Use: "show", Run: func(*cobra.Command, []string) {}}
		OutputFlag(show.Flags(), &o)
		push := &cobra.Command{Use: "push", Run: func(*cobra.Command, []string) {}}
		OutputFlag(push.Flags(), &o, "flags (only the --registry-map flags)")
		root.AddCommand(show, push)
		CompleteOutputs(root)
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&bytes.Buffer{})
		root.SetArgs(append([]string{cobra.ShellCompRequestCmd}, tc.args...))
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != tc.want {
			t.Errorf("%s: got\n%s\nwant\n%s", strings.Join(tc.args, " "), got, tc.want)
		}
	}
}
