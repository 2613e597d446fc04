package kit

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/output"
)

// meter reports copy progress on stderr: a redrawn line with bytes on a
// TTY, one plain line per image otherwise (CI logs).
type meter struct {
	p     *output.Progress
	tty   bool
	verb  string
	total int
	done  atomic.Int32
	bytes *atomic.Int64
	stop  chan struct{}
}

func newMeter(w io.Writer, verb string, total int, bytes *atomic.Int64) *meter {
	if w == nil {
		w = io.Discard
	}
	m := &meter{p: output.NewProgress(w), tty: output.IsTerminal(w), verb: verb, total: total, bytes: bytes, stop: make(chan struct{})}
	if m.tty {
		go m.redraw()
	}
	return m
}

func (m *meter) redraw() {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.p.Update(m.line())
		}
	}
}

func (m *meter) line() string {
	return fmt.Sprintf("%s: %d/%d images, %s", m.verb, m.done.Load(), m.total, Bytes(m.bytes.Load()))
}

// image records one finished image; plain lines only off a TTY.
func (m *meter) image(component, state string, size int64) {
	m.done.Add(1)
	if !m.tty {
		m.p.Logf("%s: %s %s (%s) [%d/%d]", m.verb, component, state, Bytes(size), m.done.Load(), m.total)
	}
}

// finish stops the redraw and prints the last line.
func (m *meter) finish() {
	close(m.stop)
	if m.tty {
		m.p.Update(m.line())
	}
}
