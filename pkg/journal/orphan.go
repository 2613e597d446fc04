package journal

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// CloseOrphans finalises the release's entries still in progress as
// Unknown. Call it only while holding the release's lock: every journaled
// operation holds that lock while its entry is in progress, so an entry
// still in progress then belongs to a process that ended without recording
// its outcome (killed, or the API server was gone longer than the final
// write's retries). by names the operation closing them. It returns the ids
// closed, sorted by start.
func (j *Journal) CloseOrphans(ctx context.Context, release, by string) ([]string, error) {
	es, err := j.List(ctx, release, time.Time{})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range es {
		if e.Outcome != InProgress {
			continue
		}
		e.Notes = strings.TrimSpace(e.Notes + "\n" + fmt.Sprintf(
			"closed as unknown by %s: the operation's process ended without recording an outcome; check helm history", by))
		e.Finish(Unknown, j.now().UTC())
		if _, err := j.Update(ctx, e); err != nil {
			return ids, fmt.Errorf("close orphaned entry %s: %w", e.ID, err)
		}
		ids = append(ids, e.ID)
	}
	return ids, nil
}

// OrphansNote is the one line that reports the entries CloseOrphans closed
// ("" when none).
func OrphansNote(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return "journal: closed as unknown, left in progress by ended processes: " + strings.Join(ids, ", ")
}
