package journal

import (
	"fmt"
	"strings"
)

// MarkdownHeader is the runbook §6 drill-log table header.
const MarkdownHeader = "| Date (UTC) | Channel | Outcome | Notes |\n|------------|---------|---------|-------|\n"

// Markdown renders entries as the runbook §6 drill-log table (header and
// one row per entry, in the order given) for pasting into the ops wiki.
func Markdown(entries []Entry) string {
	var b strings.Builder
	b.WriteString(MarkdownHeader)
	for _, e := range entries {
		b.WriteString(MarkdownRow(e))
	}
	return b.String()
}

// MarkdownRow is one drill-log row: date and time (UTC), channel, outcome,
// and notes with the operation, release version, revision from → to,
// rollback duration, who, reason, first evidence and notes.
func MarkdownRow(e Entry) string {
	channel := e.Manifest.Channel
	if channel == "" {
		channel = "—"
	}
	return fmt.Sprintf("| %s | %s | %s | %s |\n", e.Start.UTC().Format("2006-01-02 15:04"),
		cell(channel), OutcomeTitle(e.Outcome), cell(notes(e)))
}

// OutcomeTitle is an outcome as the drill log writes it ("Rolled back").
func OutcomeTitle(o Outcome) string {
	s := strings.ReplaceAll(string(o), "-", " ")
	if s == "" {
		return "—"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func notes(e Entry) string {
	head := fmt.Sprintf("%s %s", e.Operation, e.Release)
	if e.Manifest.Version != "" {
		head += " " + e.Manifest.Version
	}
	parts := []string{head + ": " + FromTo(e)}
	if e.RollbackDuration > 0 {
		parts = append(parts, "rollback duration "+e.RollbackDuration.String())
	}
	if e.Duration > 0 {
		parts = append(parts, "total "+e.Duration.String())
	}
	if e.Who.User != "" {
		parts = append(parts, "by "+e.Who.User)
	}
	if e.Reason != "" {
		parts = append(parts, "reason: "+e.Reason)
	}
	if len(e.Evidence) > 0 {
		ev := e.Evidence[0]
		s := "evidence: " + ev.Pod
		if ev.Container != "" {
			s += "/" + ev.Container
		}
		if ev.Reason != "" {
			s += " " + ev.Reason
		}
		if n := len(e.Evidence) - 1; n > 0 {
			s += fmt.Sprintf(" (+%d more)", n)
		}
		parts = append(parts, s)
	}
	if e.Git.Describe != "" {
		parts = append(parts, "deploy "+e.Git.Describe)
	}
	if e.Notes != "" {
		parts = append(parts, e.Notes)
	}
	return strings.Join(parts, "; ")
}

// FromTo is "rev 5 (chart 1.2.0) → rev 4 (chart 1.1.0)".
func FromTo(e Entry) string {
	return side(e.From) + " → " + side(e.To)
}

func side(r Revision) string {
	s := "rev ?"
	if r.Revision > 0 {
		s = fmt.Sprintf("rev %d", r.Revision)
	}
	if r.ChartVersion != "" {
		s += " (chart " + r.ChartVersion + ")"
	}
	return s
}

// cell makes s safe inside a markdown table cell.
func cell(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", `\|`).Replace(s)
	return strings.TrimSpace(s)
}
