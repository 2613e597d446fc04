package bookmark

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/gitstate"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// maxSuffix bounds the -N suffixes tried for a defaulted name.
const maxSuffix = 20

// Create bookmarks a release's current (or a given) revision.
type Create struct {
	cfg *kube.Config
	// Name overrides the default Secret name.
	Name string
	// Note is free text kept with the bookmark.
	Note string
	// Revision bookmarks that revision; 0 = the deployed one (else the newest).
	Revision int
	// GitDir is the deploy checkout ("" = working directory).
	GitDir string
	// Keep, when > 0, applies retention after creating (see Retention).
	Keep int
	// Prune are the retention's explicit permissions (named, only copies).
	Prune PruneOptions
	// Origin marks automatic bookmarks ("promote"); "" = an operator's.
	Origin string
	// Now is the clock (tests).
	Now func() time.Time
}

// CreateResult is what Create did.
type CreateResult struct {
	Bookmark *Bookmark `json:"bookmark"`
	Pruned   []Pruned  `json:"pruned,omitempty"`
	// Retained explains why retention kept more than Keep, if it did.
	Retained string `json:"retained,omitempty"`
}

// NewCreate returns a Create on cfg.
func NewCreate(cfg *kube.Config) *Create { return &Create{cfg: cfg, Now: time.Now} }

// Validate checks the options before anything is read or written.
func (c *Create) Validate() error {
	if c.Name != "" {
		if errs := validation.IsDNS1123Subdomain(c.Name); len(errs) > 0 {
			return exit.InvalidInput("flag --name: %q is not a valid Secret name: %s", c.Name, strings.Join(errs, "; "))
		}
	}
	if c.Keep < 0 {
		return exit.InvalidInput("flag --keep: must be 0 (keep all) or more, got %d", c.Keep)
	}
	if c.Revision < 0 {
		return exit.InvalidInput("flag --revision: must be 1 or more, got %d", c.Revision)
	}
	return nil
}

// Run bookmarks release rel ("" = the namespace's only release).
func (c *Create) Run(ctx context.Context, rel string) (*CreateResult, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	store := helmx.New(c.cfg)
	rel, err := resolveRelease(ctx, store, rel)
	if err != nil {
		return nil, err
	}
	rec, err := store.Get(ctx, rel, c.Revision)
	if errors.Is(err, helmx.ErrNotFound) {
		return nil, exit.WithCode(exit.Invalid, fmt.Errorf("bookmark: %w", err))
	}
	if err != nil {
		return nil, fmt.Errorf("bookmark: read release: %w", err)
	}
	r, err := rec.Release()
	if err != nil {
		return nil, fmt.Errorf("bookmark: %w", err)
	}
	// the pods running belong to the bookmarked revision only when it is
	// the live one: deployed, or the one asked for by default
	live := c.Revision == 0 || rec.Status == "deployed"
	pods := []Pod{}
	if live {
		if pods, err = c.pods(ctx, r.Manifest); err != nil {
			return nil, err
		}
	}
	now := c.Now()
	name := c.Name
	if name == "" {
		name = DefaultName(rel, rec.Version, now)
	}
	who := identity.Resolve(ctx, c.cfg.Typed, c.cfg.User)
	b := Build(name, rec, r, pods, gitstate.Read(ctx, c.GitDir), who, now, c.Note)
	b.Namespace, b.PodsLive, b.Origin = c.cfg.Namespace, live, c.Origin
	if err := c.store(ctx, b, c.Name == ""); err != nil {
		return nil, err
	}
	res := &CreateResult{Bookmark: b}
	if c.Keep > 0 || c.Prune.MaxAge > 0 {
		p := NewPrune(c.cfg, c.Keep)
		p.PruneOptions = c.Prune
		var pr *PruneResult
		if pr, err = p.Run(ctx, rel); pr != nil {
			res.Pruned, res.Retained = pr.Pruned, pr.Retained
		}
	}
	return res, err
}

func (c *Create) pods(ctx context.Context, manifest string) ([]Pod, error) {
	l, err := c.cfg.Typed.CoreV1().Pods(c.cfg.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("bookmark: %w", kube.APIError(err, "list", "pods", c.cfg.Namespace))
	}
	pods, err := SelectPods(manifest, c.cfg.Namespace, l.Items)
	if err != nil {
		return nil, fmt.Errorf("bookmark: %w", err)
	}
	return pods, nil
}

// store creates b's Secret. A defaulted name taken in the same second (a
// bookmark right before promote's own) gets a -2, -3, … suffix; a name the
// operator chose is never changed.
func (c *Create) store(ctx context.Context, b *Bookmark, defaulted bool) error {
	base := b.Name
	var err error
	for n := 2; ; n++ {
		var s *corev1.Secret
		if s, err = Encode(b); err != nil {
			return err
		}
		_, err = c.cfg.Typed.CoreV1().Secrets(c.cfg.Namespace).Create(ctx, s, metav1.CreateOptions{})
		if !defaulted || !apierrors.IsAlreadyExists(err) || n > maxSuffix {
			break
		}
		b.Name = fmt.Sprintf("%s-%d", base, n)
	}
	if apierrors.IsAlreadyExists(err) {
		return exit.InvalidInput("bookmark %q already exists in namespace %q: choose another --name", b.Name, c.cfg.Namespace)
	}
	if err != nil {
		return fmt.Errorf("bookmark: %w", kube.APIError(err, "create", "secrets", c.cfg.Namespace))
	}
	return nil
}

// resolveRelease returns rel, or the namespace's only Helm release.
func resolveRelease(ctx context.Context, store *helmx.Store, rel string) (string, error) {
	if rel != "" {
		return rel, nil
	}
	names, err := store.Releases(ctx)
	if err != nil {
		return "", fmt.Errorf("bookmark: find releases: %w", err)
	}
	switch len(names) {
	case 1:
		return names[0], nil
	case 0:
		return "", exit.InvalidInput("no Helm release in namespace %q: name the RELEASE or choose the namespace with -n", store.Namespace)
	}
	return "", exit.InvalidInput("%d Helm releases in namespace %q (%s): name the RELEASE to bookmark", len(names), store.Namespace, strings.Join(names, ", "))
}
