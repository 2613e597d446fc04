// Package output renders command results: -o table|json|yaml, sorted and
// deterministic, on stdout; progress goes to stderr through Progress, redrawn
// on a TTY and as change-only plain lines otherwise. Colour only on a TTY.
package output
