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
//
// hints keep the closed entry true: its end is the last sign of life of
// the process (LastSeen: the ended holder's last lock renewal), not the
// time of closing, and its target revision is the Helm revision that
// operation created, when one exists.
func (j *Journal) CloseOrphans(ctx context.Context, release, by string, hints OrphanHints) ([]string, error) {
	es, err := j.List(ctx, release, time.Time{})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range es {
		if e.Outcome != InProgress {
			continue
		}
		end, how := j.now().UTC(), "duration until it was closed (no later sign of life)"
		if ls := hints.LastSeen; !ls.IsZero() && ls.After(e.Start) && ls.Before(end) {
			end, how = ls.UTC(), "duration until its lock was last renewed"
		}
		if e.To.Revision == 0 && hints.RevisionSince != nil {
			e.To.Revision = hints.RevisionSince(e.Start, e.From.Revision)
		}
		e.Notes = strings.TrimSpace(e.Notes + "\n" + fmt.Sprintf(
			"closed as unknown by %s: the operation's process ended without recording an outcome (%s); check helm history", by, how))
		e.Finish(Unknown, end)
		if _, err := j.Update(ctx, e); err != nil {
			return ids, fmt.Errorf("close orphaned entry %s: %w", e.ID, err)
		}
		ids = append(ids, e.ID)
	}
	return ids, nil
}

// OrphanHints are what the closer knows about ended operations.
type OrphanHints struct {
	// LastSeen is the ended lock holder's last renewal (zero: unknown).
	LastSeen time.Time
	// RevisionSince returns the Helm revision an operation that started
	// at start on revision from created (0: none); nil when unknown.
	RevisionSince func(start time.Time, from int) int
}

// OrphansNote is the one line that reports the entries CloseOrphans closed
// ("" when none).
func OrphansNote(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return "journal: closed as unknown, left in progress by ended processes: " + strings.Join(ids, ", ")
}
