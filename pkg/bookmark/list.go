package bookmark

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// List lists bookmarks from Secret metadata only (no payload is read).
type List struct {
	cfg *kube.Config
	// AllNamespaces lists every namespace's bookmarks (-A).
	AllNamespaces bool
}

// NewList returns a List on cfg.
func NewList(cfg *kube.Config) *List { return &List{cfg: cfg} }

// Run lists the namespace's bookmarks, of release rel if set, oldest first.
func (l *List) Run(ctx context.Context, rel string) ([]Summary, error) {
	sel := labels.Set{LabelManagedBy: ManagedBy}
	if rel != "" {
		sel[LabelRelease] = rel
	}
	ns := l.cfg.Namespace
	if l.AllNamespaces {
		ns = ""
	}
	objs, err := helmx.ListMetadata(ctx, l.cfg.Typed, ns, "secrets", sel.String())
	if err != nil {
		return nil, fmt.Errorf("list bookmarks: %w", err)
	}
	out := make([]Summary, 0, len(objs))
	for _, o := range objs {
		if s, ok := summaryOf(o); ok {
			out = append(out, s)
		}
	}
	sortSummaries(out)
	return out, nil
}

// summaryOf reads a Summary from a bookmark Secret's metadata.
func summaryOf(o metav1.ObjectMeta) (Summary, bool) {
	if o.Labels[LabelRelease] == "" {
		return Summary{}, false
	}
	var s Summary
	if err := json.Unmarshal([]byte(o.Annotations[AnnotationSummary]), &s); err != nil {
		s.ReleaseName = o.Labels[LabelRelease]
		s.Revision, _ = strconv.Atoi(o.Labels[LabelRevision])
		s.CreatedAt = o.CreationTimestamp.UTC()
	}
	s.Name, s.Namespace = o.Name, o.Namespace
	return s, true
}

func sortSummaries(s []Summary) {
	sort.Slice(s, func(i, j int) bool {
		if !s[i].CreatedAt.Equal(s[j].CreatedAt) {
			return s[i].CreatedAt.Before(s[j].CreatedAt)
		}
		return s[i].Name < s[j].Name
	})
}

// Show reads one bookmark.
type Show struct {
	cfg *kube.Config
	// ShowValues fills Bookmark.Values with the release's user values.
	ShowValues bool
}

// NewShow returns a Show on cfg.
func NewShow(cfg *kube.Config) *Show { return &Show{cfg: cfg} }

// Run reads bookmark name: exit 4 when there is no such bookmark.
func (s *Show) Run(ctx context.Context, name string) (*Bookmark, error) {
	b, _, err := get(ctx, s.cfg, name)
	if err != nil || !s.ShowValues {
		return b, err
	}
	return b, b.LoadValues()
}

func get(ctx context.Context, cfg *kube.Config, name string) (*Bookmark, metav1.ObjectMeta, error) {
	sec, err := cfg.Typed.CoreV1().Secrets(cfg.Namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, metav1.ObjectMeta{}, exit.InvalidInput("bookmark %q not found in namespace %q (see 'kubectl stella bookmark list')", name, cfg.Namespace)
	}
	if err != nil {
		return nil, metav1.ObjectMeta{}, fmt.Errorf("read bookmark: %w", kube.APIError(err, "get", "secrets", cfg.Namespace))
	}
	if sec.Type != SecretType || sec.Labels[LabelManagedBy] != ManagedBy {
		return nil, metav1.ObjectMeta{}, exit.InvalidInput("secret %q in namespace %q is not a bookmark", name, cfg.Namespace)
	}
	b, err := Decode(sec)
	if err != nil {
		return nil, metav1.ObjectMeta{}, err
	}
	b.Name, b.Namespace = sec.Name, sec.Namespace
	return b, sec.ObjectMeta, nil
}
