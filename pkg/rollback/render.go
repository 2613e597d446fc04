package rollback

import (
	"fmt"
	"io"

	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/plan"
)

// Kind is the kind of safe-rollback's structured result (docs/output.md).
const Kind = "RollbackResult"

// Render prints the result once: the plan, then what was done and the
// evidence of a failed verification (table), or the whole Result.
func Render(w io.Writer, f output.Format, r *Result) error {
	if !f.IsTable() {
		return output.Print(w, f, output.Result{Kind: Kind, Value: r, Names: []string{output.Name("release", r.Release)}})
	}
	t := r.Decision.Target
	target := fmt.Sprintf("revision %d", t.Revision)
	if t.Bookmark != "" {
		target += " (bookmark " + t.Bookmark + ")"
	}
	if t.Restore {
		target += ", pruned from Helm's history: restored from the bookmark"
	}
	fmt.Fprintf(w, "Release:  %s/%s\nTarget:   %s\nChosen by: %s\n", r.Namespace, r.Release, target, r.Decision.Rule)
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "Warning:  %s\n", warn)
	}
	if err := plan.Render(w, f, r.Plan); err != nil {
		return err
	}
	if r.DryRun {
		fmt.Fprintln(w, "\nPlan only: nothing changed.")
		return nil
	}
	fmt.Fprintln(w)
	if r.Recovered > 0 {
		fmt.Fprintf(w, "Recovered: revision %d marked failed\n", r.Recovered)
	}
	if r.NewRevision > 0 {
		fmt.Fprintf(w, "New revision: %d\n", r.NewRevision)
	}
	if r.Verify != nil {
		fmt.Fprintf(w, "Verify:   %s — %s\n", r.Verify.Verdict, r.Verify.Message)
		for _, wl := range r.Verify.Unhealthy() {
			for _, fd := range wl.Findings {
				fmt.Fprintf(w, "  %s/%s pod %s %s: %s %s\n", wl.Kind, wl.Name, fd.Pod, fd.Container, fd.Reason, fd.Message)
			}
		}
	}
	if r.Smoke != nil {
		fmt.Fprintf(w, "Smoke:    %d passed, %d failed\n", r.Smoke.Passed, r.Smoke.Failed)
	}
	fmt.Fprintf(w, "Outcome:  %s in %s (journal %s)\n", r.Outcome, r.Duration, r.JournalID)
	if line := r.JournalRetention.Line(); line != "" {
		fmt.Fprintf(w, "Journal retention: %s\n", line)
	}
	return nil
}
