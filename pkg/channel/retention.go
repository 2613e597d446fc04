package channel

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/retention"
)

// Retention is the channels file's retention of promote's and
// safe-rollback's own objects, at the top level and per channel (a
// channel's set fields override the top level's; flags override both):
//
//	retention:
//	  journal:   {keep: 100, maxAge: 365d}   # finished journal entries of the release
//	  bookmarks: {keep: 10, maxAge: 90d}     # promote's automatic bookmarks
type Retention struct {
	Journal   RetentionLimit `yaml:"journal" json:"journal,omitzero"`
	Bookmarks RetentionLimit `yaml:"bookmarks" json:"bookmarks,omitzero"`
}

// RetentionLimit is one {keep, maxAge} block; an absent field is not set.
type RetentionLimit struct {
	Keep   *Count `yaml:"keep" json:"keep,omitempty"`
	MaxAge *Age   `yaml:"maxAge" json:"maxAge,omitempty"`
}

// Count is a whole number ≥ 0 with the line it was read from.
type Count struct {
	N    int
	Line int
}

// UnmarshalYAML rejects anything but a whole number ≥ 0, with its line.
func (c *Count) UnmarshalYAML(n *yaml.Node) error {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || err != nil || v < 0 {
		return lineError(n, "retention keep: want a whole number ≥ 0 (0 = no count limit), got %q", n.Value)
	}
	c.N, c.Line = v, n.Line
	return nil
}

// MarshalJSON prints the number.
func (c Count) MarshalJSON() ([]byte, error) { return json.Marshal(c.N) }

// Age is a retention age ("90d", "2w", "36h"; 0 = no age limit) with the
// line it was read from.
type Age struct {
	D    time.Duration
	Text string
	Line int
}

// UnmarshalYAML parses the age with retention.ParseAge, rejecting it with
// its line.
func (a *Age) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineError(n, "retention maxAge: want an age such as 90d, 2w or 36h (0 = no age limit)")
	}
	d, err := retention.ParseAge(n.Value)
	if err != nil {
		return lineError(n, "retention maxAge: %v", err)
	}
	a.D, a.Text, a.Line = d, n.Value, n.Line
	return nil
}

// MarshalJSON prints the age as written.
func (a Age) MarshalJSON() ([]byte, error) { return json.Marshal(a.Text) }

// lineError is an error yamlpos.Error turns into "file:line: message".
func lineError(n *yaml.Node, format string, a ...any) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, fmt.Sprintf(format, a...))}}
}

// setting is l as a retention.Setting whose sources are path:line.
func (l RetentionLimit) setting(path string) retention.Setting {
	var s retention.Setting
	if l.Keep != nil {
		s.Keep, s.KeepFrom = &l.Keep.N, fmt.Sprintf("%s:%d", path, l.Keep.Line)
	}
	if l.MaxAge != nil {
		s.MaxAge, s.MaxAgeFrom = &l.MaxAge.D, fmt.Sprintf("%s:%d", path, l.MaxAge.Line)
	}
	return s
}

// RetentionSettings are the file's journal and bookmark retention settings
// for channel c (nil: the top level only), in the order retention.Resolve
// applies them: top level, then the channel's.
func (f *File) RetentionSettings(c *Channel) (journal, bookmarks []retention.Setting) {
	journal = append(journal, f.Retention.Journal.setting(f.Path))
	bookmarks = append(bookmarks, f.Retention.Bookmarks.setting(f.Path))
	if c != nil {
		journal = append(journal, c.Retention.Journal.setting(f.Path))
		bookmarks = append(bookmarks, c.Retention.Bookmarks.setting(f.Path))
	}
	return journal, bookmarks
}
