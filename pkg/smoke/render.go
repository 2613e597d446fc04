package smoke

import (
	"fmt"
	"io"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/output"
)

// Kind is the kind of smoke's structured result, a Summary.
const Kind = "SmokeResult"

// Render writes s: a table of checks, the logs of failed pods, a summary
// line; or structured (-o name: smokecheck/NAME of each check).
func Render(w io.Writer, f output.Format, col output.Colorizer, s *Summary) error {
	if !f.IsTable() {
		names := output.Names("smokecheck", s.Results, func(r Result) string { return r.Name })
		return output.Print(w, f, output.Result{Kind: Kind, Value: s, Names: names})
	}
	t := output.NewTable(w)
	output.Row(t, "CHECK", "KIND", "STATUS", "DURATION", "ATTEMPTS", "REASON")
	for _, r := range s.Results {
		output.Row(t, r.Name, r.Kind, Paint(col, r.Status), r.Duration().Round(time.Millisecond).String(), fmt.Sprint(r.Attempts), r.Reason)
	}
	if err := t.Flush(); err != nil {
		return err
	}
	for _, r := range s.Results {
		if r.Logs != "" {
			fmt.Fprintf(w, "\nLogs of failed pods of check %s:\n%s", r.Name, r.Logs)
		}
	}
	fmt.Fprintf(w, "\n%d passed, %d failed in %s\n", s.Passed, s.Failed, (time.Duration(s.DurationMS) * time.Millisecond).Round(time.Millisecond))
	return nil
}

// Paint paints a check status: pass green, anything else red.
func Paint(col output.Colorizer, s Status) string {
	if s == Pass {
		return col.Good(string(s))
	}
	return col.Bad(string(s))
}

// Report shows each finished check on r as one line, "prefix: PASS name
// (took)" (no prefix when empty): the one rendering of smoke's progress,
// for kubectl stella smoke, promote and safe-rollback. Colours: col.
func Report(r output.Reporter, col output.Colorizer, prefix string) func(Result) {
	if prefix != "" {
		prefix += ": "
	}
	return func(res Result) {
		r.Logf("%s%s %s (%s)", prefix, Paint(col, res.Status), res.Name, res.Duration().Round(time.Millisecond))
	}
}
