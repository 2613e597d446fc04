package exit

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Code is a process exit code of the contract.
type Code int

// The exit codes of both plugins.
const (
	OK          Code = 0
	Operational Code = 1
	CheckFailed Code = 2
	Timeout     Code = 3
	Invalid     Code = 4
	Refused     Code = 5
)

// String names a code as the README's table does.
func (c Code) String() string {
	switch c {
	case OK:
		return "ok"
	case Operational:
		return "operational error"
	case CheckFailed:
		return "check failed"
	case Timeout:
		return "timeout"
	case Invalid:
		return "invalid input"
	case Refused:
		return "refused by a safety guard"
	}
	return fmt.Sprintf("code %d", int(c))
}

// Error is an error that ends the process with Code.
type Error struct {
	Code Code
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// WithCode wraps err so that it ends the process with code; nil stays nil.
func WithCode(code Code, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// InvalidInput returns an invalid-input (exit 4) error.
func InvalidInput(format string, a ...any) error {
	return &Error{Code: Invalid, Err: fmt.Errorf(format, a...)}
}

// Refusal returns a safety-guard refusal (exit 5).
func Refusal(format string, a ...any) error {
	return &Error{Code: Refused, Err: fmt.Errorf(format, a...)}
}

// Failed returns a check-failed (exit 2) error.
func Failed(format string, a ...any) error {
	return &Error{Code: CheckFailed, Err: fmt.Errorf(format, a...)}
}

// TimedOut returns a timeout (exit 3) error.
func TimedOut(format string, a ...any) error {
	return &Error{Code: Timeout, Err: fmt.Errorf(format, a...)}
}

// CodeOf maps any error to its exit code: the outermost typed code wins,
// a deadline is a timeout, everything else is operational.
func CodeOf(err error) Code {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Timeout
	}
	return Operational
}

// Report prints err once, as "Error: …", and returns its exit code. usage
// marks an error raised before the command ran (bad flag, unknown command,
// wrong argument count): that is invalid input.
func Report(w io.Writer, err error, usage bool) Code {
	if err == nil {
		return OK
	}
	fmt.Fprintf(w, "Error: %s\n", err)
	if usage && CodeOf(err) == Operational {
		return Invalid
	}
	return CodeOf(err)
}
