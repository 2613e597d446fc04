package output

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// Status off a TTY prints a line only when the status (not its time)
// changes, steps always between them; on a TTY every new status replaces
// the last one in place.
func TestStatus(t *testing.T) {
	cases := []struct {
		tty  bool
		want string
	}{
		{false, "wait: Progressing: 1/2 ready (1s)\nnote: 1\nwait: Healthy: 2/2 ready (4s)\n"},
		{true, "wait: Progressing: 1/2 ready (1s)\n\x1b[1A\x1b[Jwait: Progressing: 1/2 ready (2s)\nnote: 1\n" +
			"wait: Progressing: 1/2 ready (3s)\n\x1b[1A\x1b[Jwait: Healthy: 2/2 ready (4s)\n"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		p := &Progress{w: &b, tty: c.tty}
		p.Status("wait: Progressing: 1/2 ready", time.Second)
		p.Status("wait: Progressing: 1/2 ready", 2*time.Second)
		p.Logf("note: %d", 1)
		p.Status("wait: Progressing: 1/2 ready", 3*time.Second)
		p.Status("wait: Healthy: 2/2 ready", 4400*time.Millisecond)
		if b.String() != c.want {
			t.Errorf("tty %v: progress = %q, want %q", c.tty, b.String(), c.want)
		}
	}
}

// Lines turns writes into one Logf per complete line; Held keeps lines
// until Replay; Discard and a nil Progress show nothing.
func TestLinesHeldDiscard(t *testing.T) {
	var b bytes.Buffer
	h := &Held{}
	w := Lines(h)
	fmt.Fprint(w, "lint: rendering a")
	fmt.Fprint(w, " with b\nfixed 2 file(s)\n")
	h.Status("wait: x", 1500*time.Millisecond)
	if b.Len() != 0 {
		t.Fatalf("held lines shown before Replay: %q", b.String())
	}
	h.Replay(NewProgress(&b))
	want := "lint: rendering a with b\nfixed 2 file(s)\nwait: x (2s)\n"
	if b.String() != want {
		t.Fatalf("replayed %q, want %q", b.String(), want)
	}
	Discard.Logf("x")
	Discard.Status("x", 0)
}
