package journal

import (
	"context"
	"fmt"
	"sort"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// Retention bounds the journal of one release: at most Keep finished
// entries (0: no count limit) and none that ended more than MaxAge ago
// (0: no age limit). Entries still in progress are never removed: they
// may belong to a running operation.
type Retention struct {
	Keep   int           `json:"keep,omitempty"`
	MaxAge time.Duration `json:"maxAge,omitempty"`
}

// Enabled reports whether r removes anything at all.
func (r Retention) Enabled() bool { return r.Keep > 0 || r.MaxAge > 0 }

// Expired is the pure half: the entries of es (one release) that r
// removes at now, oldest first. The newest Keep finished entries are kept
// unless older than MaxAge.
func (r Retention) Expired(es []Entry, now time.Time) []Entry {
	if !r.Enabled() {
		return nil
	}
	done := make([]Entry, 0, len(es))
	for _, e := range es {
		if e.Outcome.Final() {
			done = append(done, e)
		}
	}
	Sort(done)
	var out []Entry
	for i, e := range done {
		newer := len(done) - 1 - i // finished entries newer than e
		tooMany := r.Keep > 0 && newer >= r.Keep
		end := e.End
		if end.IsZero() {
			end = e.Start
		}
		tooOld := r.MaxAge > 0 && now.Sub(end) > r.MaxAge
		if tooMany || tooOld {
			out = append(out, e)
		}
	}
	return out
}

// Prune deletes the entries of release that r expires and returns their
// ids, oldest first (nil when r is not enabled).
func (j *Journal) Prune(ctx context.Context, release string, r Retention) ([]string, error) {
	if !r.Enabled() {
		return nil, nil
	}
	if release == "" {
		return nil, fmt.Errorf("journal retention: a release is required")
	}
	es, err := j.List(ctx, release, time.Time{})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range r.Expired(es, j.now()) {
		err := j.c.CoreV1().ConfigMaps(j.namespace).Delete(ctx, namePrefix+e.ID, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return ids, fmt.Errorf("journal retention: %w", kube.APIError(err, "delete", "configmaps", j.namespace))
		}
		ids = append(ids, e.ID)
	}
	sort.Strings(ids)
	return ids, nil
}

// RetentionNote is the line a command prints when retention removed entries.
func RetentionNote(ids []string, r Retention) string {
	if len(ids) == 0 {
		return ""
	}
	return fmt.Sprintf("journal retention (keep %d, max age %s): removed %d entr%s: %v",
		r.Keep, r.MaxAge, len(ids), map[bool]string{true: "y", false: "ies"}[len(ids) == 1], ids)
}
