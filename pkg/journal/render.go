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

// Render writes r as a table, JSON or YAML.
func Render(w io.Writer, f output.Format, r Report) error {
	if r.Entries == nil {
		r.Entries = []Entry{}
	}
	if f != output.Table {
		return output.Structured(w, f, r)
	}
	tw := output.NewTable(w)
	output.Row(tw, "STARTED (UTC)", "OPERATION", "RELEASE", "OUTCOME", "FROM → TO", "DURATION", "WHO", "REASON")
	for _, e := range r.Entries {
		d := "-"
		if e.Duration > 0 {
			d = e.Duration.String()
		}
		output.Row(tw, e.Start.UTC().Format("2006-01-02 15:04:05"), string(e.Operation), e.Release,
			string(e.Outcome), FromTo(e), d, orDash(e.Who.User), orDash(short(cell(e.Reason), 60)))
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
