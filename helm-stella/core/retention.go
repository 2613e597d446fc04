package main

import (
	"github.com/spf13/pflag"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/retention"
)

// retentionFlags are the automatic retention flags of promote (journal and
// bookmarks) and safe-rollback (journal). A flag given overrides the
// channels file's retention: for that field only.
type retentionFlags struct {
	journalKeep, bookmarkKeep int
	journalAge, bookmarkAge   string
}

func (r *retentionFlags) bindJournal(f *pflag.FlagSet) {
	f.IntVar(&r.journalKeep, "journal-keep", 0, "after the run, keep the release's newest N finished journal entries, deleting older ones (0 keeps all; overrides the channels file's retention.journal.keep; default: no journal retention)")
	f.StringVar(&r.journalAge, "journal-max-age", "", "after the run, also delete the release's finished journal entries that ended longer ago than AGE, e.g. 90d (0: no age limit; overrides retention.journal.maxAge)")
}

func (r *retentionFlags) bindBookmarks(f *pflag.FlagSet, defaultKeep int) {
	f.IntVar(&r.bookmarkKeep, "keep-bookmarks", defaultKeep, "keep promote's newest N automatic bookmarks of the release, deleting older ones (0 keeps all; overrides retention.bookmarks.keep; operators' bookmarks are never deleted)")
	f.StringVar(&r.bookmarkAge, "bookmark-max-age", "", "also delete promote's automatic bookmarks older than AGE, e.g. 30d (0: no age limit; overrides retention.bookmarks.maxAge)")
}

// journal is the --journal-* flags as a retention.Setting (unset flags nil).
func (r *retentionFlags) journal(f *pflag.FlagSet) (retention.Setting, error) {
	return setting(f, "journal-keep", "journal-max-age", r.journalKeep, r.journalAge)
}

// bookmarks is --keep-bookmarks/--bookmark-max-age as a retention.Setting.
func (r *retentionFlags) bookmarks(f *pflag.FlagSet) (retention.Setting, error) {
	return setting(f, "keep-bookmarks", "bookmark-max-age", r.bookmarkKeep, r.bookmarkAge)
}

func setting(f *pflag.FlagSet, keepFlag, ageFlag string, keep int, age string) (retention.Setting, error) {
	var s retention.Setting
	if f.Changed(keepFlag) {
		if keep < 0 {
			return s, exit.InvalidInput("flag --%s: must be 0 (keep all) or more, got %d", keepFlag, keep)
		}
		s.Keep, s.KeepFrom = &keep, "flag --"+keepFlag
	}
	if f.Changed(ageFlag) {
		d, err := retention.ParseAge(age)
		if err != nil {
			return s, exit.InvalidInput("flag --%s: %v", ageFlag, err)
		}
		s.MaxAge, s.MaxAgeFrom = &d, "flag --"+ageFlag
	}
	return s, nil
}
