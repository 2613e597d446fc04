package promote

import (
	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/retention"
)

// DefaultKeepBookmarks is how many of its automatic bookmarks promote keeps
// per release when neither a flag nor the channels file says otherwise.
// The journal has no default retention: it is the operations log and the
// drill log's source, so removing entries is the site's explicit choice.
const DefaultKeepBookmarks = 10

// retention resolves the journal and bookmark limits of this run: defaults,
// then the channels file's top level and channel c, then the flags.
func (p *Promote) retention(f *channel.File, c *channel.Channel) (journalLimit, bookmarkLimit retention.Limit) {
	j, b := f.RetentionSettings(c)
	journalLimit = retention.Resolve(retention.Limit{}, append(j, p.JournalRetention)...)
	bookmarkLimit = retention.Resolve(retention.Limit{Keep: DefaultKeepBookmarks}, append(b, p.BookmarkRetention)...)
	return journalLimit, bookmarkLimit
}

func negative(n *int) bool { return n != nil && *n < 0 }
