//go:build windows

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
)

// handOver runs core with argv (argv[0] included) and the environment
// unchanged, on this process's streams, and exits with its exit code
// (Windows has no exec). Ctrl-C reaches both processes: this one ignores
// it and waits for the core, which handles it. It returns only when the
// core could not be started.
func handOver(core string, argv []string) error {
	cmd := exec.Command(core)
	cmd.Args = argv
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signal.Ignore(os.Interrupt)
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("run %s: %w", core, err)
	}
	os.Exit(0)
	return nil
}
