package journal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// Labels on every journal ConfigMap.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by"
	LabelRelease   = "stella-ops.org/journal-release"
	LabelOperation = "stella-ops.org/operation"
	LabelOutcome   = "stella-ops.org/outcome"
	managedBy      = "stella"
	namePrefix     = "stella-journal-"
	dataKey        = "entry.json"
)

// Journal reads and appends the entries of one namespace.
type Journal struct {
	// OnRetry, when not nil, hears each transient API error of a write and
	// the wait before its next attempt (progress while an API server restarts).
	OnRetry func(err error, next time.Duration)

	c         kubernetes.Interface
	namespace string
	now       func() time.Time
}

// New returns the journal of namespace (the release's).
func New(c kubernetes.Interface, namespace string) *Journal {
	return &Journal{c: c, namespace: namespace, now: time.Now}
}

// NewID returns an entry id that sorts by start time: the UTC start to the
// millisecond, the release and a random suffix.
func NewID(release string, start time.Time) string {
	b := make([]byte, 2)
	_, _ = rand.Read(b)
	ts := strings.ReplaceAll(start.UTC().Format("20060102-150405.000"), ".", "-")
	return fmt.Sprintf("%s-%s-%s", ts, release, hex.EncodeToString(b))
}

// Append stores a new entry (outcome in-progress when unset, start now
// when unset, a fresh id) and returns it as stored, redacted.
func (j *Journal) Append(ctx context.Context, e Entry) (Entry, error) {
	if e.Outcome == "" {
		e.Outcome = InProgress
	}
	if e.Start.IsZero() {
		e.Start = j.now()
	}
	e.Start, e.End = e.Start.UTC(), e.End.UTC()
	e.Namespace = j.namespace
	e.ID = NewID(e.Release, e.Start)
	cm, e, err := encode(e)
	if err != nil {
		return e, err
	}
	cms := j.c.CoreV1().ConfigMaps(j.namespace)
	err = kube.RetryNotify(ctx, j.OnRetry, func() error {
		_, err := cms.Create(ctx, cm, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) { // a retry of a create that landed?
			if cur, gerr := cms.Get(ctx, cm.Name, metav1.GetOptions{}); gerr == nil && cur.Data[dataKey] == cm.Data[dataKey] {
				return nil
			}
		}
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			j.settleCut(ctx, e)
		}
		return e, fmt.Errorf("journal %s/%s: %w", j.namespace, cm.Name, kube.APIError(err, "create", "configmaps", j.namespace))
	}
	return e, nil
}

// settleCut finishes e as Interrupted if the API server stored it. A
// create cut by a cancelled context (SIGINT/SIGTERM while the request was
// in flight) may have been stored with only its answer lost; the command
// then ends with an error before its operation starts, and the entry would
// stay in progress until the next guarded operation closes it as unknown.
// Best effort and bounded; it finishes only this create's own entry (same
// id and content), never another's.
func (j *Journal) settleCut(ctx context.Context, e Entry) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleCutTimeout)
	defer cancel()
	cm, _, err := encode(e)
	if err != nil {
		return
	}
	cur, err := j.c.CoreV1().ConfigMaps(j.namespace).Get(ctx, cm.Name, metav1.GetOptions{})
	if err != nil || cur.Data[dataKey] != cm.Data[dataKey] {
		return
	}
	e.Notes = strings.TrimSpace(e.Notes + "\ninterrupted while this entry was being written: the operation did not start")
	e.Finish(Interrupted, j.now().UTC())
	_, _ = j.update(ctx, e)
}

// settleCutTimeout bounds settleCut: an interrupted command must still end promptly.
const settleCutTimeout = 5 * time.Second

// Update moves an in-progress entry to its final outcome, once; the
// ConfigMap then becomes immutable. Anything else is refused (exit 5).
// Transient API errors are retried; a retry that finds its own update
// already stored succeeds.
func (j *Journal) Update(ctx context.Context, e Entry) (Entry, error) {
	e.Start, e.End = e.Start.UTC(), e.End.UTC()
	var stored Entry
	err := kube.RetryNotify(ctx, j.OnRetry, func() error {
		var err error
		stored, err = j.update(ctx, e)
		return err
	})
	return stored, err
}

func (j *Journal) update(ctx context.Context, e Entry) (Entry, error) {
	cms := j.c.CoreV1().ConfigMaps(j.namespace)
	name := namePrefix + e.ID
	cur, err := cms.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return e, fmt.Errorf("journal %s/%s: %w", j.namespace, name, kube.APIError(err, "get", "configmaps", j.namespace))
	}
	cm, e, err := encode(e)
	if err != nil {
		return e, err
	}
	if cur.Data[dataKey] == cm.Data[dataKey] && cur.Immutable != nil && *cur.Immutable {
		return e, nil // our own update, stored by an attempt whose answer was lost
	}
	old, err := decode(cur)
	if err != nil {
		return e, err
	}
	if err := checkTransition(old, e); err != nil {
		return e, exit.WithCode(exit.Refused, err)
	}
	cm.ResourceVersion = cur.ResourceVersion // conditional: a concurrent update gets 409
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		if apierrors.IsConflict(err) {
			return e, exit.Refusal("journal %s/%s was updated concurrently: %v", j.namespace, name, err)
		}
		return e, fmt.Errorf("journal %s/%s: %w", j.namespace, name, kube.APIError(err, "update", "configmaps", j.namespace))
	}
	return e, nil
}

// List returns the entries of release (every release when empty) that
// started at or after since (all when zero), oldest first.
func (j *Journal) List(ctx context.Context, release string, since time.Time) ([]Entry, error) {
	sel := labels.Set{LabelManagedBy: managedBy}
	if release != "" {
		sel[LabelRelease] = release
	}
	list, err := j.c.CoreV1().ConfigMaps(j.namespace).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil, fmt.Errorf("journal: %w", kube.APIError(err, "list", "configmaps", j.namespace))
	}
	var out []Entry
	for i := range list.Items {
		if !strings.HasPrefix(list.Items[i].Name, namePrefix) || list.Items[i].Labels[LabelRelease] == "" {
			continue
		}
		e, err := decode(&list.Items[i])
		if err != nil {
			return nil, err
		}
		if since.IsZero() || !e.Start.Before(since) {
			out = append(out, e)
		}
	}
	Sort(out)
	return out, nil
}

// Sort orders entries by start time, then id.
func Sort(es []Entry) {
	sort.SliceStable(es, func(a, b int) bool {
		if !es[a].Start.Equal(es[b].Start) {
			return es[a].Start.Before(es[b].Start)
		}
		return es[a].ID < es[b].ID
	})
}

// encode validates and redacts e and builds its ConfigMap.
func encode(e Entry) (*corev1.ConfigMap, Entry, error) {
	if err := validate(e); err != nil {
		return nil, e, exit.WithCode(exit.Invalid, err)
	}
	e, err := sanitize(e)
	if err != nil {
		return nil, e, exit.InvalidInput("journal entry %s: smoke summary is not JSON: %v", e.ID, err)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, e, fmt.Errorf("journal entry %s: %w", e.ID, err)
	}
	if len(b) > maxEntrySize {
		return nil, e, fmt.Errorf("journal entry %s: %d bytes, more than %d", e.ID, len(b), maxEntrySize)
	}
	final := e.Outcome.Final()
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: namePrefix + e.ID, Labels: map[string]string{
			LabelManagedBy: managedBy, LabelRelease: e.Release,
			LabelOperation: string(e.Operation), LabelOutcome: string(e.Outcome)}},
		Data:      map[string]string{dataKey: string(b)},
		Immutable: &final,
	}
	return cm, e, nil
}

func decode(cm *corev1.ConfigMap) (Entry, error) {
	var e Entry
	if err := json.Unmarshal([]byte(cm.Data[dataKey]), &e); err != nil {
		return e, fmt.Errorf("journal %s/%s: %s: %w", cm.Namespace, cm.Name, dataKey, err)
	}
	return e, nil
}
