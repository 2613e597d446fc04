package exit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCodeOf(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want Code
	}{
		{"nil", nil, OK},
		{"plain", errors.New("boom"), Operational},
		{"invalid", InvalidInput("bad %s", "flag"), Invalid},
		{"wrapped refusal", fmt.Errorf("promote: %w", Refusal("lock held")), Refused},
		{"failed", Failed("drift"), CheckFailed},
		{"timeout", TimedOut("waited"), Timeout},
		{"deadline", fmt.Errorf("wait: %w", context.DeadlineExceeded), Timeout},
		{"outer code wins", WithCode(Refused, Failed("inner")), Refused},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CodeOf(c.err); got != c.want {
				t.Fatalf("CodeOf(%v) = %d, want %d", c.err, got, c.want)
			}
		})
	}
}

func TestWithCodeNil(t *testing.T) {
	if WithCode(Invalid, nil) != nil {
		t.Fatal("WithCode(nil) must stay nil")
	}
}

func TestMessageUnchanged(t *testing.T) {
	if got := InvalidInput("values.yaml:3: bad digest").Error(); got != "values.yaml:3: bad digest" {
		t.Fatalf("message = %q", got)
	}
}

func TestReport(t *testing.T) {
	var b strings.Builder
	if c := Report(&b, errors.New("unknown flag: --x"), true); c != Invalid {
		t.Fatalf("usage error code = %d", c)
	}
	if c := Report(&b, Refusal("lock held by bob"), false); c != Refused {
		t.Fatalf("refusal code = %d", c)
	}
	if c := Report(&b, nil, false); c != OK {
		t.Fatalf("nil code = %d", c)
	}
	want := "Error: unknown flag: --x\nError: lock held by bob\n"
	if b.String() != want {
		t.Fatalf("printed %q, want %q", b.String(), want)
	}
}
