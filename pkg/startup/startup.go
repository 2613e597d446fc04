package startup

import "runtime/debug"

// gcPercent is the collector setting the process started with; reading it
// switches the collector off until Done.
var gcPercent = debug.SetGCPercent(-1)

// Done gives the collector back its setting (GOGC or the default). main
// calls it first; calling it again is harmless.
func Done() { debug.SetGCPercent(gcPercent) }
