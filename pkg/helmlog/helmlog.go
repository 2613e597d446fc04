package helmlog

import (
	"bytes"
	"io"
	"log"
	"os"
	"regexp"
	"strings"
	"sync"
)

var (
	install sync.Once
	run     sync.Mutex // held for a whole Capture: captures are serialised
	r       = &router{out: os.Stderr}
)

// router is the standard logger's output for the rest of the process.
type router struct {
	mu    sync.Mutex
	out   io.Writer
	lines *[]string // the running capture's lines, nil outside Capture
}

func (w *router) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.lines == nil {
		return w.out.Write(p)
	}
	for _, l := range strings.Split(string(bytes.TrimRight(p, "\n")), "\n") {
		*w.lines = append(*w.lines, l)
	}
	return len(p), nil
}

// Capture runs fn and returns, alongside fn's error, the distinct
// messages the Helm SDK logged meanwhile, in the order first seen, each
// without Helm's "warning: " prefix and without any value it quoted.
func Capture(fn func() error) ([]string, error) {
	install.Do(func() {
		log.SetFlags(0) // before the router: a line is the message alone
		log.SetPrefix("")
		log.SetOutput(r)
	})
	run.Lock()
	defer run.Unlock()
	var lines []string
	r.mu.Lock()
	r.lines = &lines
	r.mu.Unlock()
	err := fn()
	r.mu.Lock()
	r.lines = nil
	r.mu.Unlock()
	return Clean(lines), err
}

// valueRE matches the two coalesce messages that end by quoting a value.
var valueRE = regexp.MustCompile(`^((?:cannot overwrite table with non table for \S+)|(?:destination for \S+ is a table\. Ignoring non-table value)) \(.*\)$`)

// Clean turns logged lines into distinct warning messages, in order: the
// "warning: " prefix dropped, quoted values cut off, blank lines skipped.
func Clean(lines []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		l = strings.TrimSpace(strings.TrimPrefix(l, "warning:"))
		l = valueRE.ReplaceAllString(l, "$1")
		if l == "" || seen[l] {
			continue
		}
		seen[l] = true
		out = append(out, l)
	}
	return out
}
