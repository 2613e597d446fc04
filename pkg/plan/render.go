package plan

import (
	"fmt"
	"io"

	"github.com/stella-ops/stella-plugins/pkg/output"
)

// Render prints p as a table (from → to lines) or json/yaml.
func Render(w io.Writer, f output.Format, p Plan) error {
	if !f.IsTable() {
		return output.Print(w, f, output.Result{Kind: "Plan", Value: p})
	}
	fmt.Fprintf(w, "Revision:      %s → %s\n", rev(p.From.Revision), rev(p.To.Revision))
	fmt.Fprintf(w, "Chart:         %s → %s\n", chart(p.From), chart(p.To))
	fmt.Fprintln(w, "\nImages:")
	t := output.NewTable(w)
	output.Row(t, "WORKLOAD", "FROM", "TO", "CHANGED")
	for _, i := range p.Images {
		output.Row(t, i.Workload, dash(i.From), dash(i.To), yesNo(i.Changed))
	}
	if err := t.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nValues:")
	if len(p.Values) == 0 {
		fmt.Fprintln(w, "  (no change)")
		return nil
	}
	t = output.NewTable(w)
	output.Row(t, "PATH", "CHANGE", "FROM", "TO")
	for _, v := range p.Values {
		output.Row(t, v.Path, v.Change, dash(v.From), dash(v.To))
	}
	return t.Flush()
}

func rev(n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

func chart(s Side) string {
	if s.Chart == "" {
		return "-"
	}
	return s.Chart + "-" + s.ChartVersion
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
