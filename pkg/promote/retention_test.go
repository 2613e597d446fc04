package promote

import (
	"testing"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/retention"
)

// Which limits a promote applies: defaults, the channels file (top level,
// then the channel), then the flags, field by field.
func TestRetentionResolution(t *testing.T) {
	f, err := channel.Parse("c.yaml", []byte(`channels:
  stable:
    release: r
    retention:
      bookmarks: {keep: 3}
  edge: {release: r}
retention:
  journal: {keep: 20, maxAge: 90d}
`))
	if err != nil {
		t.Fatal(err)
	}
	bare, err := channel.Parse("b.yaml", []byte("channels:\n  stable: {release: r}\n"))
	if err != nil {
		t.Fatal(err)
	}
	n := func(i int) *int { return &i }
	d := func(x time.Duration) *time.Duration { return &x }
	for _, c := range []struct {
		name                  string
		file                  *channel.File
		channel               string
		journalFlag, bmFlag   retention.Setting
		wantJournal, wantBook string
	}{
		{"defaults: no journal retention, 10 bookmarks", bare, "stable", retention.Setting{}, retention.Setting{},
			"keep all (default), no max age (default)", "keep 10 (default), no max age (default)"},
		{"file: top level and channel", f, "stable", retention.Setting{}, retention.Setting{},
			"keep 20 (c.yaml:8), max age 90d (c.yaml:8)", "keep 3 (c.yaml:5), no max age (default)"},
		{"another channel: top level only", f, "edge", retention.Setting{}, retention.Setting{},
			"keep 20 (c.yaml:8), max age 90d (c.yaml:8)", "keep 10 (default), no max age (default)"},
		{"flags override the file", f, "stable",
			retention.Setting{Keep: n(2), KeepFrom: "flag --journal-keep"},
			retention.Setting{Keep: n(0), KeepFrom: "flag --keep-bookmarks", MaxAge: d(48 * time.Hour), MaxAgeFrom: "flag --bookmark-max-age"},
			"keep 2 (flag --journal-keep), max age 90d (c.yaml:8)", "keep all (flag --keep-bookmarks), max age 2d (flag --bookmark-max-age)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &Promote{JournalRetention: c.journalFlag, BookmarkRetention: c.bmFlag}
			j, b := p.retention(c.file, c.file.Channels[c.channel])
			if j.String() != c.wantJournal || b.String() != c.wantBook {
				t.Fatalf("journal %q, bookmarks %q; want %q, %q", j, b, c.wantJournal, c.wantBook)
			}
		})
	}
}
