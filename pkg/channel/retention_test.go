package channel

import (
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/retention"
)

func TestRetentionParse(t *testing.T) {
	f, err := Parse("c.yaml", []byte(`channels:
  a:
    release: r
    retention:
      journal: {keep: 5}
  b: {release: r}
retention:
  journal:
    keep: 50
    maxAge: 90d
  bookmarks: {keep: 0, maxAge: 2w}
`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		channel         string
		journal, bmarks string
	}{
		{"a", "keep 5 (c.yaml:5), max age 90d (c.yaml:10)", "keep all (c.yaml:11), max age 14d (c.yaml:11)"},
		{"b", "keep 50 (c.yaml:9), max age 90d (c.yaml:10)", "keep all (c.yaml:11), max age 14d (c.yaml:11)"},
		{"", "keep 50 (c.yaml:9), max age 90d (c.yaml:10)", "keep all (c.yaml:11), max age 14d (c.yaml:11)"},
	}
	for _, c := range cases {
		j, b := f.RetentionSettings(f.Channels[c.channel])
		if got := retention.Resolve(retention.Limit{}, j...).String(); got != c.journal {
			t.Errorf("%q journal: %s, want %s", c.channel, got, c.journal)
		}
		if got := retention.Resolve(retention.Limit{Keep: 10}, b...).String(); got != c.bmarks {
			t.Errorf("%q bookmarks: %s, want %s", c.channel, got, c.bmarks)
		}
	}
}

func TestRetentionErrors(t *testing.T) {
	const ch = "channels:\n  a: {release: r}\n"
	cases := []struct{ name, yaml, want string }{
		{"negative keep", ch + "retention:\n  journal: {keep: -1}\n", "c.yaml:4: retention keep: want a whole number ≥ 0"},
		{"fractional keep", ch + "retention:\n  bookmarks:\n    keep: 1.5\n", "c.yaml:5: retention keep"},
		{"word keep", ch + "retention:\n  journal: {keep: ten}\n", "c.yaml:4: retention keep"},
		{"bad age", ch + "retention:\n  journal: {maxAge: 3x}\n", `c.yaml:4: retention maxAge: "3x" is not an age`},
		{"negative age", ch + "retention:\n  journal:\n    maxAge: -1d\n", "c.yaml:5: retention maxAge"},
		{"age as a list", ch + "retention:\n  journal: {maxAge: [1d]}\n", "c.yaml:4: retention maxAge"},
		{"unknown kind", ch + "retention:\n  jornal: {keep: 3}\n", "c.yaml:4: field jornal not found"},
		{"unknown field", ch + "retention:\n  journal: {count: 3}\n", "c.yaml:4: field count not found"},
		{"per channel", "channels:\n  a:\n    release: r\n    retention:\n      bookmarks: {keep: -2}\n", "c.yaml:5: retention keep"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(c.yaml))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || exit.CodeOf(err) != exit.Invalid {
				t.Fatalf("err = %v, want prefix %q (exit 4)", err, c.want)
			}
		})
	}
}
