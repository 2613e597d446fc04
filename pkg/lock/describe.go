package lock

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Describe names the holder, since when and until when, for refusals:
// "admin (promote on vm pid 42) since 2026-…Z (1m3s ago); the lock expires
// at 2026-…Z unless renewed". gone adds that the holder's process is no
// longer running on this host (pure; HolderGone reads the process table).
func (i Info) Describe(now time.Time, gone bool) string {
	s := fmt.Sprintf("%s since %s (%s ago); the lock expires at %s unless renewed", i,
		i.Since.UTC().Format(time.RFC3339), now.Sub(i.Since).Round(time.Second), i.Expires().UTC().Format(time.RFC3339))
	if gone {
		s += fmt.Sprintf(" (pid %d is no longer running on this host %s: the holder ended without releasing it; it is still honoured until it expires, %s from now)",
			i.PID, i.Host, i.Expires().Sub(now).Round(time.Second))
	}
	return s
}

// HolderGone reports whether the lock's holder ran on this host under a pid
// that no longer exists. Another host's holder is never judged.
func HolderGone(i Info) bool {
	host, err := os.Hostname()
	if err != nil || i.Host == "" || i.Host != host || i.PID <= 0 {
		return false
	}
	return errors.Is(syscall.Kill(i.PID, 0), syscall.ESRCH)
}
