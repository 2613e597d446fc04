package bookmark

import (
	"fmt"
	"regexp"
	"time"
)

// PruneOptions are retention's explicit permissions: by default it never
// deletes a named bookmark nor the only copy of a revision.
type PruneOptions struct {
	// Named allows deleting bookmarks an operator named (--name).
	Named bool
	// LastCopy allows deleting the only copy of a revision Helm's history
	// no longer holds.
	LastCopy bool
	// Origin limits retention to bookmarks of that origin ("promote");
	// "" = every bookmark of the release.
	Origin string
	// MaxAge, when > 0, also deletes (within the same protections) the
	// bookmarks older than it.
	MaxAge time.Duration
}

// OriginPromote marks promote's automatic bookmarks.
const OriginPromote = "promote"

// Pruned is one bookmark retention deleted, and why.
type Pruned struct {
	Summary
	Why string `json:"why"`
}

// defaultName matches DefaultName's output (and its -N suffixes).
var defaultName = regexp.MustCompile(`^stella-bookmark-.+-\d+-\d{6}-\d{6}(-\d+)?$`)

// Named reports whether s was given its name by an operator.
func (s Summary) Named() bool { return !defaultName.MatchString(s.Name) }

// Retention chooses the bookmarks to delete so that at most keep remain
// (keep <= 0: no count limit) and none is older than o.MaxAge (pure).
// inHelm holds the revisions Helm's history still stores. It deletes
// duplicates first (a bookmark of a revision another remaining bookmark
// holds), oldest first, then the oldest others, never one of the newest
// keep (the bookmark just made survives); it never deletes a named
// bookmark (unless o.Named) nor the last copy of a revision Helm pruned
// (unless o.LastCopy). retained says why more than keep remain, if so.
func Retention(all []Summary, keep int, inHelm map[int]bool, o PruneOptions, now time.Time) (drop []Pruned, retained string) {
	sorted := append([]Summary(nil), all...)
	sortSummaries(sorted)
	var pool []Summary // the bookmarks retention applies to
	for _, s := range sorted {
		if o.Origin == "" || s.Origin == o.Origin {
			pool = append(pool, s)
		}
	}
	copies := map[int]int{}
	for _, s := range sorted {
		copies[s.Revision]++
	}
	gone := map[string]bool{}
	var protected []string
	try := func(s Summary, why string) bool {
		switch {
		case gone[s.Name]:
			return false
		case s.Named() && !o.Named:
			protected = append(protected, s.Name+" (named)")
			return false
		case copies[s.Revision] == 1 && !inHelm[s.Revision] && !o.LastCopy:
			protected = append(protected, fmt.Sprintf("%s (only copy of revision %d)", s.Name, s.Revision))
			return false
		}
		gone[s.Name] = true
		copies[s.Revision]--
		drop = append(drop, Pruned{Summary: s, Why: why})
		return true
	}
	if o.MaxAge > 0 {
		for _, s := range pool {
			if now.Sub(s.CreatedAt) > o.MaxAge {
				try(s, "older than "+o.MaxAge.String())
			}
		}
	}
	total := len(pool)
	excess := func() int { return total - len(drop) - keep }
	if keep <= 0 || len(pool) <= keep {
		return drop, ""
	}
	pool = pool[:len(pool)-keep] // the newest keep are never candidates
	for _, s := range pool {     // duplicates first, oldest first
		if excess() > 0 && copies[s.Revision] > 1 {
			try(s, fmt.Sprintf("duplicate: another bookmark holds revision %d", s.Revision))
		}
	}
	protected = nil // a duplicate skipped above is reconsidered below
	for _, s := range pool {
		if excess() > 0 {
			try(s, fmt.Sprintf("beyond --keep %d (oldest first)", keep))
		}
	}
	if excess() > 0 {
		retained = fmt.Sprintf("kept %d more than --keep %d: %v", excess(), keep, dedupe(protected))
	}
	return drop, retained
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
