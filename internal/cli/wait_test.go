package cli

import (
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/stella-ops/stella-plugins/pkg/health"
)

func TestUnschedulableGraceFlag(t *testing.T) {
	for _, c := range []struct {
		arg  string
		want time.Duration
		ok   bool
	}{
		{"", health.DefaultUnschedulableGrace, true},
		{"--unschedulable-grace=3m", 3 * time.Minute, true},
		{"--unschedulable-grace=0s", 0, false},
		{"--unschedulable-grace=-5s", 0, false},
		{"--unschedulable-grace=soon", 0, false},
	} {
		t.Run(c.arg, func(t *testing.T) {
			fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
			var d time.Duration
			UnschedulableGraceFlag(fs, &d)
			var args []string
			if c.arg != "" {
				args = []string{c.arg}
			}
			err := fs.Parse(args)
			if (err == nil) != c.ok || (c.ok && d != c.want) {
				t.Fatalf("parse %q: %v, grace %s; want ok=%v %s", c.arg, err, d, c.ok, c.want)
			}
		})
	}
}
