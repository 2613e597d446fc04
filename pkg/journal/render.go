package journal

import (
	"io"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/retention"
)

// Report is what `kubectl stella journal -o json|yaml` prints.
type Report struct {
	Namespace string  `json:"namespace"`
	Release   string  `json:"release,omitempty"`
	Entries   []Entry `json:"entries"`
}

// Kind is the kind of the journal command's structured result, a Report.
const Kind = "Journal"

// Render writes r as a table, JSON or YAML.
func Render(w io.Writer, f output.Format, r Report) error {
	if r.Entries == nil {
		r.Entries = []Entry{}
	}
	if !f.IsTable() {
		names := output.Names("journalentry", r.Entries, func(e Entry) string { return e.ID })
		return output.Print(w, f, output.Result{Kind: Kind, Value: r, Names: names})
	}
	wide := f == output.Wide // wide: an ID column first, the reason not shortened
	tw := output.NewTable(w)
	head := []string{"STARTED (UTC)", "OPERATION", "RELEASE", "OUTCOME", "FROM → TO", "DURATION", "WHO", "REASON"}
	if wide {
		head = append([]string{"ID"}, head...)
	}
	output.Row(tw, head...)
	for _, e := range r.Entries {
		d, reason := "-", short(cell(e.Reason), 60)
		if e.Duration > 0 {
			d = e.Duration.String()
		}
		row := []string{e.Start.UTC().Format("2006-01-02 15:04:05"), string(e.Operation), e.Release,
			string(e.Outcome), FromTo(e), d, orDash(e.Who.User)}
		if wide {
			row, reason = append([]string{e.ID}, row...), cell(e.Reason)
		}
		output.Row(tw, append(row, orDash(reason))...)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func short(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// ParseSince reads a --since age: a Go duration ("36h", "90m") or a whole
// number of days or weeks ("30d", "2w"). It must be positive.
func ParseSince(s string) (time.Duration, error) { return retention.ParsePositive(s) }
