package output

import (
	"io"
	"os"
)

// Colorizer paints status words when the output is a terminal.
type Colorizer struct{ on bool }

// NewColorizer colours only when w is a TTY, --no-color is unset and
// NO_COLOR is not in the environment.
func NewColorizer(w io.Writer, noColor bool) Colorizer {
	return Colorizer{on: !noColor && os.Getenv("NO_COLOR") == "" && IsTerminal(w)}
}

const (
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	reset  = "\x1b[0m"
)

// Good paints s green.
func (c Colorizer) Good(s string) string { return c.paint(green, s) }

// Bad paints s red.
func (c Colorizer) Bad(s string) string { return c.paint(red, s) }

// Warn paints s yellow.
func (c Colorizer) Warn(s string) string { return c.paint(yellow, s) }

func (c Colorizer) paint(code, s string) string {
	if !c.on {
		return s
	}
	return code + s + reset
}
