package retention

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limit bounds one kind of object of one release: the newest Keep are
// kept (0: no count limit) and none older than MaxAge (0: no age limit).
type Limit struct {
	Keep   int           `json:"keep"`
	MaxAge time.Duration `json:"maxAge"`
	// KeepFrom and MaxAgeFrom say where each value came from: "default",
	// "flag --journal-keep", "deploy/channels.yaml:42".
	KeepFrom   string `json:"keepFrom,omitempty"`
	MaxAgeFrom string `json:"maxAgeFrom,omitempty"`
}

// Enabled reports whether l removes anything at all.
func (l Limit) Enabled() bool { return l.Keep > 0 || l.MaxAge > 0 }

// String is the limit as a result line shows it:
// "keep 3 (deploy/channels.yaml:70), max age 30d (flag --journal-max-age)".
func (l Limit) String() string {
	keep, age := "keep all", "no max age"
	if l.Keep > 0 {
		keep = fmt.Sprintf("keep %d", l.Keep)
	}
	if l.MaxAge > 0 {
		age = "max age " + FormatAge(l.MaxAge)
	}
	return fmt.Sprintf("%s (%s), %s (%s)", keep, l.KeepFrom, age, l.MaxAgeFrom)
}

// Setting is a Limit as one source gives it: a nil field is not set.
type Setting struct {
	Keep   *int
	MaxAge *time.Duration
	// KeepFrom and MaxAgeFrom name the source of each set field.
	KeepFrom, MaxAgeFrom string
}

// Resolve starts from def (whose sources read "default") and applies the
// settings in order, each set field overriding the one before: pass the
// channels file's top level, then the channel's, then the flags.
func Resolve(def Limit, settings ...Setting) Limit {
	out := def
	out.KeepFrom, out.MaxAgeFrom = "default", "default"
	for _, s := range settings {
		if s.Keep != nil {
			out.Keep, out.KeepFrom = *s.Keep, s.KeepFrom
		}
		if s.MaxAge != nil {
			out.MaxAge, out.MaxAgeFrom = *s.MaxAge, s.MaxAgeFrom
		}
	}
	return out
}

// ParseAge reads a retention age: 0 (no age limit), a Go duration ("36h",
// "90m") or a whole number of days or weeks ("30d", "2w").
func ParseAge(s string) (time.Duration, error) {
	d, err := parse(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not an age (e.g. 30d, 2w, 36h, 90m; 0 = no limit)", s)
	}
	return d, nil
}

// ParsePositive reads a positive age such as journal --since: a Go
// duration or a whole number of days or weeks.
func ParsePositive(s string) (time.Duration, error) {
	d, err := parse(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive age (e.g. 30d, 2w, 36h, 90m)", s)
	}
	return d, nil
}

func parse(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	switch unit := s[max(len(s)-1, 0):]; unit {
	case "d", "w":
		n, err := strconv.Atoi(strings.TrimSuffix(s, unit))
		d := time.Duration(n) * 24 * time.Hour
		if unit == "w" {
			d *= 7
		}
		return d, err
	}
	return time.ParseDuration(s)
}

// FormatAge prints whole days as "30d", anything else as a Go duration.
func FormatAge(d time.Duration) string {
	const day = 24 * time.Hour
	if d > 0 && d%day == 0 {
		return fmt.Sprintf("%dd", d/day)
	}
	return d.String()
}
