package helmx

import (
	"context"
	"errors"
	"fmt"

	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"

	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// ErrNotFound is returned when a release (or one revision of it) is not stored.
var ErrNotFound = errors.New("not found")

// Store reads one namespace's Helm release storage.
type Store struct {
	Namespace string
	client    kubernetes.Interface
	// resource is "secrets" or "configmaps" (Helm's Secret and ConfigMap
	// drivers); empty for other drivers, read through Helm's storage.
	resource string
	helm     *storage.Storage
}

// Record is one stored revision: its metadata and the release payload
// exactly as Helm stored it.
type Record struct {
	Revision
	// Data is the "release" value as stored (base64 of gzipped JSON).
	Data []byte
	// Labels are the release's own labels (helm --labels), without Helm's.
	Labels map[string]string
}

// Release decodes the stored payload.
func (r *Record) Release() (*release.Release, error) {
	rel, err := Decode(r.Data)
	if err != nil {
		return nil, err
	}
	rel.Labels = r.Labels
	return rel, nil
}

// New returns the Store of cfg's namespace and Helm driver.
func New(cfg *kube.Config) *Store {
	s := &Store{Namespace: cfg.Namespace, client: cfg.Typed, resource: "secrets"}
	if cfg.Helm != nil && cfg.Helm.Releases != nil {
		s.helm = cfg.Helm.Releases
		switch cfg.Helm.Releases.Driver.Name() {
		case driver.SecretsDriverName:
		case driver.ConfigMapsDriverName:
			s.resource = "configmaps"
		default:
			s.resource = ""
		}
	}
	return s
}

// NewForClient returns a Store on the Secret driver (tests, tools).
func NewForClient(c kubernetes.Interface, namespace string) *Store {
	return &Store{Namespace: namespace, client: c, resource: "secrets"}
}

// Get reads revision version of release name; version 0 reads the current
// one (the deployed revision, else the newest). One label-selected list on
// the Secret/ConfigMap driver, whatever the length of the history.
func (s *Store) Get(ctx context.Context, name string, version int) (*Record, error) {
	if s.resource == "" {
		return s.getFromHelm(name, version)
	}
	sel := labels.Set{"owner": "helm", "name": name}
	if version > 0 {
		sel["version"] = fmt.Sprint(version)
	} else {
		sel["status"] = string(release.StatusDeployed)
	}
	recs, err := s.list(ctx, sel.String())
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 && version == 0 {
		return s.Last(ctx, name)
	}
	var best *Record
	for i := range recs {
		if best == nil || recs[i].Version > best.Version {
			best = &recs[i]
		}
	}
	if best == nil {
		return nil, notFound(name, version, s.Namespace)
	}
	return best, nil
}

// Last reads the newest revision whatever its status, as Helm's
// Releases.Last (and helm test) pick it: a metadata list, then that one
// revision, never the whole history's payloads.
func (s *Store) Last(ctx context.Context, name string) (*Record, error) {
	r, err := s.Newest(ctx, name)
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, name, r.Version)
}

// Newest is the newest revision whatever its status, from labels only.
func (s *Store) Newest(ctx context.Context, name string) (Revision, error) {
	revs, err := s.Revisions(ctx, name)
	if err != nil {
		return Revision{}, err
	}
	r, ok := Latest(revs)
	if !ok {
		return Revision{}, notFound(name, 0, s.Namespace)
	}
	return r, nil
}

// Revisions lists release name's revisions from labels only (no payload),
// oldest first; an unknown release gives an empty list.
func (s *Store) Revisions(ctx context.Context, name string) ([]Revision, error) {
	if s.resource == "" {
		return s.revisionsFromHelm(name)
	}
	revs, err := s.listMeta(ctx, labels.Set{"owner": "helm", "name": name}.String())
	SortRevisions(revs)
	return revs, err
}

// Releases lists the distinct release names stored in the namespace, from
// labels only.
func (s *Store) Releases(ctx context.Context) ([]string, error) {
	if s.resource == "" {
		all, err := s.helm.ListReleases()
		if err != nil {
			return nil, fmt.Errorf("list helm releases: %w", err)
		}
		var revs []Revision
		for _, r := range all {
			revs = append(revs, Revision{Release: r.Name})
		}
		return ReleaseNames(revs), nil
	}
	revs, err := s.listMeta(ctx, labels.Set{"owner": "helm"}.String())
	if err != nil {
		return nil, err
	}
	return ReleaseNames(revs), nil
}

func notFound(name string, version int, ns string) error {
	if version > 0 {
		return fmt.Errorf("release %q revision %d in namespace %q: %w", name, version, ns, ErrNotFound)
	}
	return fmt.Errorf("release %q in namespace %q: %w", name, ns, ErrNotFound)
}
