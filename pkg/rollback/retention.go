package rollback

import (
	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/retention"
)

// loadRetention resolves the journal retention of this run before anything
// changes (a bad retention: setting is exit 4): the channels file's top
// level (--config), then the channel's (--channel), then the flags. There
// is no default: the journal is the operations log. safe-rollback makes no
// automatic bookmarks, so bookmark retention is promote's alone.
func (r *Rollback) loadRetention() error {
	var settings []retention.Setting
	if r.Config != "" {
		f, err := channel.Load(r.Config)
		if err != nil {
			return err
		}
		var c *channel.Channel
		if r.Channel != "" {
			if c, err = f.Channel(r.Channel); err != nil {
				return err
			}
		}
		settings, _ = f.RetentionSettings(c)
	}
	r.journalLimit = retention.Resolve(retention.Limit{}, append(settings, r.JournalRetention)...)
	return nil
}
