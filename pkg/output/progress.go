package output

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Reporter is the one progress interface of the operations that change
// something (promote, promote --files-only, safe-rollback): Logf prints one
// line per step, notice or warning; Status shows the state of a wait, which
// changes. *Progress renders both on stderr; Discard drops them.
type Reporter interface {
	Logf(format string, a ...any)
	// Status shows line with its elapsed time: redrawn in place on a TTY;
	// otherwise printed only when line (without the time) changes.
	Status(line string, elapsed time.Duration)
}

// Discard is the Reporter that shows nothing.
var Discard Reporter = (*Progress)(nil)

// Progress reports a changing status block on stderr: redrawn in place on a
// TTY, and as plain lines, only when they change, otherwise (CI logs).
type Progress struct {
	mu     sync.Mutex
	w      io.Writer
	tty    bool
	last   string
	lines  int
	status string // the last Status line, without its time
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
	p.update(block)
}

func (p *Progress) update(block string) {
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

// Status shows line and its elapsed time (see Reporter).
func (p *Progress) Status(line string, elapsed time.Duration) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty && line == p.status {
		return
	}
	p.status = line
	p.update(fmt.Sprintf("%s (%s)", line, elapsed.Round(time.Second)))
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

// Lines is r as an io.Writer for code that writes progress lines (align):
// each complete line written becomes one Logf.
func Lines(r Reporter) io.Writer { return &lines{r: r} }

type lines struct {
	mu  sync.Mutex
	r   Reporter
	buf []byte
}

func (l *lines) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, b...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		l.r.Logf("%s", l.buf[:i])
		l.buf = l.buf[i+1:]
	}
}

// Held keeps a run's lines back: Replay shows them on another Reporter, or
// they are dropped (bad input gets its one error line and nothing else).
type Held struct {
	mu    sync.Mutex
	lines []string
}

// Logf keeps one line.
func (h *Held) Logf(format string, a ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, fmt.Sprintf(format, a...))
}

// Status keeps the status as a line.
func (h *Held) Status(line string, elapsed time.Duration) {
	h.Logf("%s (%s)", line, elapsed.Round(time.Second))
}

// Replay shows the kept lines on r, in order.
func (h *Held) Replay(r Reporter) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range h.lines {
		r.Logf("%s", l)
	}
	h.lines = nil
}
