package output

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"
	"sigs.k8s.io/yaml"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// Format is an -o value.
type Format string

// The formats every reporting command accepts.
const (
	Table Format = "table"
	JSON  Format = "json"
	YAML  Format = "yaml"
	// Wide is a table with every row, where Table shows only what needs
	// attention (commands that accept it say so).
	Wide Format = "wide"
)

// ParseFormat validates an -o flag value against the allowed formats
// (table, json, yaml when allowed is empty).
func ParseFormat(s string, allowed ...Format) (Format, error) {
	if len(allowed) == 0 {
		allowed = []Format{Table, JSON, YAML}
	}
	names := make([]string, 0, len(allowed))
	for _, f := range allowed {
		if string(f) == s {
			return f, nil
		}
		names = append(names, string(f))
	}
	return "", exit.InvalidInput("flag -o/--output: unknown format %q (want %s)", s, strings.Join(names, "|"))
}

// Structured writes v as JSON or YAML.
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
