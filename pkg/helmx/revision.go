package helmx

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/release"
)

// Revision is one stored revision's metadata, read from the storage
// object's labels only (the release payload is not transferred).
type Revision struct {
	Release    string    `json:"release"`
	Version    int       `json:"revision"`
	Status     string    `json:"status"`
	Object     string    `json:"object"` // the Secret/ConfigMap name
	CreatedAt  time.Time `json:"createdAt,omitempty"`
	ModifiedAt time.Time `json:"modifiedAt,omitempty"`
}

// Pending reports whether the revision is pending-install/-upgrade/-rollback.
func (r Revision) Pending() bool { return release.Status(r.Status).IsPending() }

// revisionOf reads a Revision from a storage object's name and labels; ok is
// false when the labels are not Helm's.
func revisionOf(name string, labels map[string]string) (Revision, bool) {
	if labels["owner"] != "helm" || labels["name"] == "" {
		return Revision{}, false
	}
	v, err := strconv.Atoi(labels["version"])
	if err != nil {
		return Revision{}, false
	}
	return Revision{
		Release: labels["name"], Version: v, Status: labels["status"], Object: name,
		CreatedAt: unix(labels["createdAt"]), ModifiedAt: unix(labels["modifiedAt"]),
	}, true
}

func unix(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// SortRevisions orders revisions by version, oldest first.
func SortRevisions(revs []Revision) {
	sort.Slice(revs, func(i, j int) bool { return revs[i].Version < revs[j].Version })
}

// Current is the revision Helm considers live: the newest deployed one,
// else the newest of all (a first install that failed or is pending).
func Current(revs []Revision) (Revision, bool) {
	if r, ok := Latest(revs, string(release.StatusDeployed)); ok {
		return r, true
	}
	return Latest(revs)
}

// Latest is the newest revision, among those with one of statuses if given.
func Latest(revs []Revision, statuses ...string) (Revision, bool) {
	var best Revision
	found := false
	for _, r := range revs {
		if len(statuses) > 0 && !contains(statuses, r.Status) {
			continue
		}
		if !found || r.Version > best.Version {
			best, found = r, true
		}
	}
	return best, found
}

// PendingRevision is the newest pending-* revision, if any: a Helm
// operation in flight or one that died mid-way.
func PendingRevision(revs []Revision) (Revision, bool) {
	var pending []Revision
	for _, r := range revs {
		if r.Pending() {
			pending = append(pending, r)
		}
	}
	return Latest(pending)
}

// ReleaseNames are the distinct release names among revisions, sorted.
func ReleaseNames(revs []Revision) []string {
	seen := map[string]bool{}
	var names []string
	for _, r := range revs {
		if !seen[r.Release] {
			seen[r.Release] = true
			names = append(names, r.Release)
		}
	}
	sort.Strings(names)
	return names
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// RevisionSince returns, for an operation that started at start on
// revision from, the revision it created (0 when none): the oldest revision
// numbered above from that Helm created at or after start — with from
// unknown (0), the newest created since start. A revision's creation time is
// its record's Info.LastDeployed (set when Helm creates the revision, never
// rewritten), read lazily for the candidates only. The storage labels
// createdAt/modifiedAt cannot date it: Helm's List/Query hand the stored
// system labels back as the release's labels, an upgrade copies them from
// the previous revision, and the Secret/ConfigMap writers re-apply them after
// setting their own, so a new revision can carry its predecessor's
// modifiedAt and no createdAt at all.
func (s *Store) RevisionSince(ctx context.Context, name string, revs []Revision) func(start time.Time, from int) int {
	return func(start time.Time, from int) int {
		start = start.Truncate(time.Second)
		order := make([]Revision, 0, len(revs))
		for _, r := range revs {
			if r.Version > from {
				order = append(order, r)
			}
		}
		SortRevisions(order)
		if from == 0 { // the newest first
			for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
				order[i], order[j] = order[j], order[i]
			}
		}
		for _, r := range order {
			if at, ok := s.createdAt(ctx, name, r.Version); ok && !at.Before(start) {
				return r.Version
			}
		}
		return 0
	}
}

// createdAt is when Helm created revision version of name (false when it
// cannot be read).
func (s *Store) createdAt(ctx context.Context, name string, version int) (time.Time, bool) {
	rec, err := s.Get(ctx, name, version)
	if err != nil {
		return time.Time{}, false
	}
	rel, err := rec.Release()
	if err != nil || rel.Info == nil || rel.Info.LastDeployed.IsZero() {
		return time.Time{}, false
	}
	return rel.Info.LastDeployed.Time, true
}
