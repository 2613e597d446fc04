//go:build !windows

package main

import (
	"fmt"
	"os"
	"syscall"
)

// handOver replaces this process with core, argv (argv[0] included, which
// the core reads for plugin.complete) and environment unchanged: same pid,
// so signals and exit codes are the core's own. It returns only on failure.
func handOver(core string, argv []string) error {
	if err := syscall.Exec(core, argv, os.Environ()); err != nil {
		return fmt.Errorf("run %s: %w", core, err)
	}
	return nil
}
