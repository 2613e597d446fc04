package promote

import (
	"fmt"
	"io"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/plan"
)

// Kind is the kind of promote's structured result (docs/output.md).
const Kind = "PromoteResult"

// Render writes res once: a table, or structured (-o name: release/NAME).
func Render(w io.Writer, f output.Format, res *Result) error {
	if !f.IsTable() {
		return output.Print(w, f, output.Result{Kind: Kind, Value: res, Names: []string{output.Name("release", res.Release)}})
	}
	if res.Files != nil {
		return renderFiles(w, res.Files)
	}
	if res.Plan != nil {
		return plan.Render(w, f, *res.Plan)
	}
	t := output.NewTable(w)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(t, "%s\t%s\n", k, v)
		}
	}
	row("RELEASE", res.Namespace+"/"+res.Release)
	row("CONTEXT", res.Context)
	row("OUTCOME", string(res.Outcome))
	row("MANIFEST", strings.Trim(res.Manifest.Version+"-"+res.Manifest.Channel, "-"))
	row("REVISION", revisions(res))
	row("CHART", strings.Trim(res.From.ChartVersion+" → "+res.To.ChartVersion, " →"))
	row("BOOKMARK", res.Bookmark)
	row("ROLLBACK", res.Rollback)
	if res.Gate != nil {
		row("GATE", gateLine(res.Gate))
	}
	if res.Smoke != nil {
		row("SMOKE", fmt.Sprintf("%d passed, %d failed", res.Smoke.Passed, res.Smoke.Failed))
	}
	row("JOURNAL", res.Journal)
	row("BOOKMARK RETENTION", res.BookmarkRetention.Line())
	row("JOURNAL RETENTION", res.JournalRetention.Line())
	row("DURATION", res.Duration)
	row("MESSAGE", res.Message)
	if err := t.Flush(); err != nil {
		return err
	}
	return renderDetails(w, res)
}

func revisions(res *Result) string {
	switch {
	case res.To.Revision == 0 && res.From.Revision == 0:
		return ""
	case res.From.Revision == 0:
		return fmt.Sprintf("(first install) → %d", res.To.Revision)
	case res.To.Revision == 0: // refused or failed before Helm wrote a revision
		return fmt.Sprintf("%d (unchanged: no new revision)", res.From.Revision)
	}
	return fmt.Sprintf("%d → %d", res.From.Revision, res.To.Revision)
}

func gateLine(g *GateResult) string {
	if g.Passed {
		return fmt.Sprintf("passed: %s (revision %d, unchanged for %s)", g.Stage, g.Revision, g.Since)
	}
	return "refused: " + g.Stage + ": " + strings.Join(g.Reasons, "; ")
}

// renderDetails lists align findings and failure evidence.
func renderDetails(w io.Writer, res *Result) error {
	if len(res.Findings) > 0 {
		fmt.Fprintln(w, "\nALIGN FINDINGS")
		t := output.NewTable(w)
		fmt.Fprintln(t, "FILE\tCOMPONENT\tSTATUS\tEXPECTED\tFOUND\tVALUE FROM")
		for _, f := range res.Findings {
			from := "-"
			if f.ValuesFile != "" {
				from = fmt.Sprintf("%s:%d", f.ValuesFile, f.ValuesLine)
			}
			fmt.Fprintf(t, "%s:%d\t%s\t%s\t%s\t%s\t%s\n", f.File, f.Line, f.Component, f.Status, f.Expected, f.Found, from)
		}
		if err := t.Flush(); err != nil {
			return err
		}
	}
	if len(res.Evidence) > 0 {
		fmt.Fprintln(w, "\nEVIDENCE")
	}
	for _, e := range res.Evidence {
		fmt.Fprintf(w, "pod %s container %s: %s %s\n", e.Pod, e.Container, e.Reason, e.Message)
		for _, ev := range e.Events {
			fmt.Fprintf(w, "  event: %s\n", ev)
		}
		for _, l := range e.LogTail {
			fmt.Fprintf(w, "  log: %s\n", l)
		}
	}
	return nil
}
