package output

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// Status off a TTY prints a line only when the status (not its time)
// changes; steps are always printed, between them.
func TestStatusChangeOnly(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b)
	p.Status("wait: Progressing: 1/2 ready", time.Second)
	p.Status("wait: Progressing: 1/2 ready", 2*time.Second)
	p.Logf("note: %d", 1)
	p.Status("wait: Progressing: 1/2 ready", 3*time.Second)
	p.Status("wait: Healthy: 2/2 ready", 4400*time.Millisecond)
	want := "wait: Progressing: 1/2 ready (1s)\nnote: 1\nwait: Healthy: 2/2 ready (4s)\n"
	if b.String() != want {
		t.Fatalf("progress = %q, want %q", b.String(), want)
	}
}

// On a TTY every new status replaces the last one in place.
func TestStatusRedrawnOnTTY(t *testing.T) {
	var b bytes.Buffer
	p := &Progress{w: &b, tty: true}
	p.Status("verify: Progressing: 0/1 ready", time.Second)
	p.Status("verify: Progressing: 0/1 ready", 2*time.Second)
	want := "verify: Progressing: 0/1 ready (1s)\n\x1b[1A\x1b[Jverify: Progressing: 0/1 ready (2s)\n"
	if b.String() != want {
		t.Fatalf("progress = %q, want %q", b.String(), want)
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
