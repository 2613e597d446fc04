package retention

import (
	"testing"
	"time"
)

func TestResolve(t *testing.T) {
	n := func(i int) *int { return &i }
	d := func(x time.Duration) *time.Duration { return &x }
	top := Setting{Keep: n(50), MaxAge: d(90 * 24 * time.Hour), KeepFrom: "c.yaml:3", MaxAgeFrom: "c.yaml:4"}
	ch := Setting{Keep: n(5), KeepFrom: "c.yaml:20"}
	flagOff := Setting{Keep: n(0), KeepFrom: "flag --journal-keep"}
	def := Limit{Keep: 10}
	for _, c := range []struct {
		name     string
		settings []Setting
		want     string
		enabled  bool
	}{
		{"default only", nil, "keep 10 (default), no max age (default)", true},
		{"no default, nothing set", nil, "", false},
		{"file top level", []Setting{top}, "keep 50 (c.yaml:3), max age 90d (c.yaml:4)", true},
		{"channel overrides keep only", []Setting{top, ch}, "keep 5 (c.yaml:20), max age 90d (c.yaml:4)", true},
		{"flag 0 overrides the file", []Setting{top, ch, flagOff}, "keep all (flag --journal-keep), max age 90d (c.yaml:4)", true},
		{"flag 0 and no age: disabled", []Setting{ch, flagOff}, "keep all (flag --journal-keep), no max age (default)", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := def
			if c.name == "no default, nothing set" {
				base = Limit{}
			}
			got := Resolve(base, c.settings...)
			if c.want != "" && got.String() != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if got.Enabled() != c.enabled {
				t.Errorf("enabled %v, want %v", got.Enabled(), c.enabled)
			}
		})
	}
}

func TestParseAge(t *testing.T) {
	good := map[string]time.Duration{"0": 0, "0s": 0, "0d": 0, "30d": 30 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute}
	for s, want := range good {
		if got, err := ParseAge(s); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %s, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "d", "-1d", "30x", "1.5d", "yesterday", "-5m", "+-1d"} {
		if _, err := ParseAge(s); err == nil {
			t.Errorf("ParseAge(%q) accepted", s)
		}
	}
	if got := FormatAge(48 * time.Hour); got != "2d" {
		t.Errorf("FormatAge(48h) = %s", got)
	}
	if got := FormatAge(90 * time.Minute); got != "1h30m0s" {
		t.Errorf("FormatAge(90m) = %s", got)
	}
}

func TestAppliedLine(t *testing.T) {
	l := Limit{Keep: 2, KeepFrom: "default", MaxAgeFrom: "default"}
	for _, c := range []struct {
		a    *Applied
		want string
	}{
		{nil, ""},
		{&Applied{Limit: l}, ""},
		{&Applied{Limit: l, Removed: []string{"a", "b"}}, "removed 2: a, b [keep 2 (default), no max age (default)]"},
		{&Applied{Limit: l, Warning: "forbidden"}, "warning: forbidden"},
	} {
		if got := c.a.Line(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
