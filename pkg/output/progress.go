package output

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// Progress reports a changing status block on stderr: redrawn in place on a
// TTY, and as plain lines, only when they change, otherwise (CI logs).
type Progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	last  string
	lines int
}

// NewProgress returns a Progress on w (usually os.Stderr).
func NewProgress(w io.Writer) *Progress {
	return &Progress{w: w, tty: IsTerminal(w)}
}

// Update shows block (one or more lines) unless it equals the last one.
func (p *Progress) Update(block string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	block = strings.TrimRight(block, "\n")
	if block == p.last {
		return
	}
	if p.tty && p.lines > 0 {
		fmt.Fprintf(p.w, "\x1b[%dA\x1b[J", p.lines)
	}
	fmt.Fprintln(p.w, block)
	p.last = block
	p.lines = strings.Count(block, "\n") + 1
}

// Logf prints one progress line (always, not redrawn).
func (p *Progress) Logf(format string, a ...any) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format+"\n", a...)
	p.lines = 0
	p.last = ""
}
