package portforward

import (
	"errors"
	"testing"
)

func TestErrorLog(t *testing.T) {
	cases := []struct {
		name string
		errs []string
		want string // "" = nil
	}{
		{"nothing", nil, ""},
		{"one", []string{"no forward found for port 27017"}, "no forward found for port 27017"},
		{"distinct, in order, once", []string{"a", "b", "a"}, "a; b"},
		{"a trailing EOF adds nothing", []string{"no forward found for port 27017", "EOF"}, "no forward found for port 27017"},
		{"EOF first, then the cause", []string{"EOF", "connection refused"}, "connection refused"},
		{"EOF alone is all there is", []string{"EOF"}, "EOF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var l errorLog
			for _, e := range c.errs {
				l.add(errors.New(e), "An error occurred forwarding")
			}
			l.add(nil, "ignored")
			got := ""
			if err := l.err(); err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}
