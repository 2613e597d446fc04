package align

import (
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

// Render writes res as a table or as JSON/YAML (every finding). The table
// lists the findings that need attention (every finding with output.Wide),
// grouped by target, problems first, then a one-line summary by state. Only
// image references and digests are printed, never values.
func Render(w io.Writer, f output.Format, res *Result, c output.Colorizer) error {
	if !f.IsTable() {
		return output.Print(w, f, output.Result{Kind: Kind, Value: res, Names: componentNames(res)})
	}
	var rows []Finding
	for _, fd := range res.Findings {
		if f == output.Wide || fd.Status.Problem() {
			rows = append(rows, fd)
		}
	}
	if len(rows) > 0 {
		tw := output.NewTable(w)
		output.Row(tw, "TARGET", "COMPONENT", "STATUS", "EXPECTED", "FOUND", "LOCATION")
		for _, fd := range rows {
			output.Row(tw, targetCell(fd), fd.Component, paint(c, fd.Status), image.Short(fd.Expected), foundCell(fd), location(fd))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, fd := range res.Findings {
		if fd.Message != "" && fd.Status.Problem() && fd.Status != Missing {
			fmt.Fprintf(w, "%s: %s: %s\n", location(fd), fd.Status, fd.Message)
		}
	}
	if res.Diff != "" {
		fmt.Fprint(w, res.Diff)
	}
	msg := summary(res, c)
	if hidden := len(res.Findings) - len(rows); hidden > 0 && len(rows) > 0 {
		msg += fmt.Sprintf(" (%d aligned row(s) not listed: -o wide)", hidden)
	}
	fmt.Fprintln(w, msg)
	return nil
}

// Kind is the kind of align's structured result (docs/output.md).
const Kind = "AlignResult"

// componentNames is -o name of align: component/NAME of each component
// found, once, sorted.
func componentNames(res *Result) []string {
	var out []string
	for _, fd := range res.Findings {
		out = append(out, output.Name("component", fd.Component))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func targetCell(f Finding) string {
	t := f.Target
	if f.Channel != "" {
		t = f.Channel + ": " + t
	}
	if f.Source != "" {
		t += " (" + f.Source + ")"
	}
	return t
}

func foundCell(f Finding) string {
	switch {
	case f.Found != "":
		return image.Short(f.Found)
	case f.Status == Unpinned:
		return f.Image
	case f.Status == Unknown:
		return f.Image
	}
	return "-"
}

func location(f Finding) string {
	loc := f.File
	if f.Line > 0 {
		loc += ":" + strconv.Itoa(f.Line)
	}
	if f.ValuesFile != "" && f.Source != "" && f.Status.Problem() {
		loc += ", value from " + f.ValuesFile + ":" + strconv.Itoa(f.ValuesLine)
	}
	return loc
}

func paint(c output.Colorizer, s Status) string {
	switch s {
	case Aligned:
		return c.Good(string(s))
	case Unknown:
		return c.Warn(string(s))
	}
	return c.Bad(string(s))
}

func summary(res *Result, c output.Colorizer) string {
	counts := map[Status]int{}
	for _, f := range res.Findings {
		counts[f.Status]++
	}
	s := ""
	for _, st := range []Status{Mismatch, Unpinned, Missing, Unknown, Incompatible, LintFailed} {
		if counts[st] > 0 {
			s += fmt.Sprintf(", %d %s", counts[st], st)
		}
	}
	head := c.Good("aligned")
	if !res.Aligned {
		head = c.Bad("drift")
	}
	msg := fmt.Sprintf("%s: %d aligned%s", head, counts[Aligned], s)
	switch {
	case res.Written:
		msg += fmt.Sprintf("; fixed %d file(s)", len(res.Changes))
	case res.Diff != "":
		msg += fmt.Sprintf("; --dry-run: %d file(s) would change, nothing written", len(res.Changes))
	}
	return msg
}
