package startup

import (
	"runtime/debug"
	"testing"
)

// TestDone: the collector is off until Done, which restores the setting
// the process started with (the test binary runs with the default, or
// GOGC when set); a second Done changes nothing.
func TestDone(t *testing.T) {
	if gcPercent < 0 {
		t.Skip("the test process itself runs with GOGC=off")
	}
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Fatalf("before Done the collector is at %d%%, want off (-1)", got)
	}
	Done()
	Done()
	if got := debug.SetGCPercent(gcPercent); got != gcPercent {
		t.Fatalf("after Done the collector is at %d%%, want %d%%", got, gcPercent)
	}
}
