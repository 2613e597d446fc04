package bookmark

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// Delete deletes one bookmark, refusing Secrets that are not bookmarks.
type Delete struct{ cfg *kube.Config }

// NewDelete returns a Delete on cfg.
func NewDelete(cfg *kube.Config) *Delete { return &Delete{cfg: cfg} }

// Run deletes bookmark name and returns what it deleted.
func (d *Delete) Run(ctx context.Context, name string) (*Summary, error) {
	b, meta, err := get(ctx, d.cfg, name)
	if err != nil {
		return nil, err
	}
	if err := deleteSecret(ctx, d.cfg, name, &meta.UID); err != nil {
		return nil, err
	}
	return &b.Summary, nil
}

// Prune applies retention (Retention) to one release's bookmarks.
type Prune struct {
	cfg  *kube.Config
	Keep int
	PruneOptions
	Now func() time.Time
}

// PruneResult is what a Prune deleted and, if it kept more than Keep, why.
type PruneResult struct {
	Pruned   []Pruned `json:"pruned"`
	Retained string   `json:"retained,omitempty"`
}

// NewPrune returns a Prune keeping the newest keep bookmarks.
func NewPrune(cfg *kube.Config, keep int) *Prune { return &Prune{cfg: cfg, Keep: keep, Now: time.Now} }

// Run deletes what Retention chooses among release rel's bookmarks, reading
// which revisions Helm's history still holds (labels only).
func (p *Prune) Run(ctx context.Context, rel string) (*PruneResult, error) {
	all, err := NewList(p.cfg).Run(ctx, rel)
	if err != nil {
		return nil, err
	}
	revs, err := helmx.New(p.cfg).Revisions(ctx, rel)
	if err != nil {
		return nil, fmt.Errorf("bookmark retention: read history of %q: %w", rel, err)
	}
	inHelm := map[int]bool{}
	for _, r := range revs {
		inHelm[r.Version] = true
	}
	drop, retained := Retention(all, p.Keep, inHelm, p.PruneOptions, p.Now())
	res := &PruneResult{Retained: retained}
	for _, d := range drop {
		if err := deleteSecret(ctx, p.cfg, d.Name, nil); err != nil {
			return res, err
		}
		res.Pruned = append(res.Pruned, d)
	}
	return res, nil
}

func deleteSecret(ctx context.Context, cfg *kube.Config, name string, uid *types.UID) error {
	opts := metav1.DeleteOptions{}
	if uid != nil {
		opts.Preconditions = &metav1.Preconditions{UID: uid}
	}
	err := cfg.Typed.CoreV1().Secrets(cfg.Namespace).Delete(ctx, name, opts)
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete bookmark %s: %w", name, kube.APIError(err, "delete", "secrets", cfg.Namespace))
	}
	return nil
}
