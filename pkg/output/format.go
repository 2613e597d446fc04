package output

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"
	"sigs.k8s.io/yaml"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// Format is an -o value: a format name, or a template format with its
// template ("jsonpath={.verdict}").
type Format string

// The formats every reporting command accepts.
const (
	Table Format = "table"
	// Wide is the table with more: every row where Table shows only what
	// needs attention, or extra columns (docs/output.md says which).
	Wide       Format = "wide"
	JSON       Format = "json"
	YAML       Format = "yaml"
	NameFormat Format = "name"
)

// templateFormats are cli-runtime's template printers: -o FORMAT=TEMPLATE.
var templateFormats = []string{"jsonpath", "jsonpath-as-json", "jsonpath-file", "go-template", "go-template-file", "template", "templatefile"}

// Formats is the -o list for help texts and errors.
const Formats = "table|wide|json|yaml|name|jsonpath=…|jsonpath-as-json=…|jsonpath-file=…|go-template=…|go-template-file=…"

// ParseFormat validates an -o flag value: table, wide, json, yaml, name, a
// template format (its template parsed now), or one of a command's extra
// formats. Anything else is invalid input naming the flag (exit 4).
func ParseFormat(s string, extra ...Format) (Format, error) {
	f := Format(s)
	switch {
	case f == Table, f == Wide, f == NameFormat, slices.Contains(extra, f):
		return f, nil
	case f == JSON, f == YAML, f.IsTemplate():
		if _, err := printerFor(f); err != nil {
			return "", err
		}
		return f, nil
	}
	want := Formats
	for _, e := range extra {
		want += "|" + string(e)
	}
	return "", exit.InvalidInput("flag -o/--output: unknown format %q (want %s)", s, want)
}

// IsTable reports whether f is drawn by the command's own table (table,
// wide) rather than by Print.
func (f Format) IsTable() bool { return f == Table || f == Wide }

// IsTemplate reports whether f is a template format (jsonpath=…, go-template=…).
func (f Format) IsTemplate() bool {
	name, _, _ := strings.Cut(string(f), "=")
	return slices.Contains(templateFormats, name)
}

// Structured writes v as plain JSON or YAML (files, embedded values):
// command results go through Print.
func Structured(w io.Writer, f Format, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	if f == YAML {
		if b, err = yaml.JSONToYAML(b); err != nil {
			return fmt.Errorf("encode output: %w", err)
		}
		_, err = w.Write(b)
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// NewTable returns a tab-aligned writer; call Flush when done.
func NewTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
}

// Row writes one tab-separated table row.
func Row(w io.Writer, cells ...string) {
	fmt.Fprintln(w, strings.Join(cells, "\t"))
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
