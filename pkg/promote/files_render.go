package promote

import (
	"fmt"
	"io"

	"github.com/stella-ops/stella-plugins/pkg/output"
)

// renderFiles prints the channel workflow's result, then every finding
// that is not aligned (all of them, never a sample) and the warnings.
func renderFiles(w io.Writer, fr *FilesResult) error {
	t := output.NewTable(w)
	fmt.Fprintf(t, "CHANNEL\t%s\nRELEASE\t%s (%s)\n", fr.Channel, fr.Release, fr.Version)
	for _, c := range fr.Changed {
		fmt.Fprintf(t, "CHANGED\t%s\n", c)
	}
	if fr.Commit != "" {
		fmt.Fprintf(t, "COMMIT\t%s\n", fr.Commit)
	}
	if fr.Tag != "" {
		fmt.Fprintf(t, "TAG\t%s\n", fr.Tag)
	}
	if fr.NoOp {
		fmt.Fprintf(t, "NO-OP\talready promoted: the tag is on HEAD and nothing changed\n")
	}
	for _, x := range fr.Warnings {
		fmt.Fprintf(t, "WARNING\t%s\n", x)
	}
	if err := t.Flush(); err != nil {
		return err
	}
	if fr.Align != nil && fr.Align.Problems() > 0 {
		fmt.Fprintf(w, "\nFINDINGS (%d)\n", fr.Align.Problems())
		t = output.NewTable(w)
		fmt.Fprintln(t, "FILE\tCOMPONENT\tSTATUS\tEXPECTED\tFOUND\tMESSAGE")
		for _, f := range fr.Align.Findings {
			if f.Status.Problem() {
				fmt.Fprintf(t, "%s:%d\t%s\t%s\t%s\t%s\t%s\n", f.File, f.Line, f.Component, f.Status, f.Expected, f.Found, f.Message)
			}
		}
		if err := t.Flush(); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "\n%s\n", fr.Message)
	return err
}
