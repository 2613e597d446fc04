package helmx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// metaAccept asks the API server for object metadata only.
const metaAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"

// list reads the storage objects matching selector, payload included.
func (s *Store) list(ctx context.Context, selector string) ([]Record, error) {
	opts := metav1.ListOptions{LabelSelector: selector}
	var recs []Record
	add := func(name string, l map[string]string, data []byte) {
		if rev, ok := revisionOf(name, l); ok {
			recs = append(recs, Record{Revision: rev, Data: data, Labels: userLabels(l)})
		}
	}
	if s.resource == "configmaps" {
		l, err := s.client.CoreV1().ConfigMaps(s.Namespace).List(ctx, opts)
		if err != nil {
			return nil, kube.APIError(err, "list", "configmaps", s.Namespace)
		}
		for _, o := range l.Items {
			add(o.Name, o.Labels, []byte(o.Data["release"]))
		}
		return recs, nil
	}
	l, err := s.client.CoreV1().Secrets(s.Namespace).List(ctx, opts)
	if err != nil {
		return nil, kube.APIError(err, "list", "secrets", s.Namespace)
	}
	for _, o := range l.Items {
		add(o.Name, o.Labels, o.Data["release"])
	}
	return recs, nil
}

// listMeta reads only the metadata of the storage objects matching selector.
func (s *Store) listMeta(ctx context.Context, selector string) ([]Revision, error) {
	objs, err := ListMetadata(ctx, s.client, s.Namespace, s.resource, selector)
	if err != nil {
		return nil, err
	}
	var revs []Revision
	for _, o := range objs {
		if rev, ok := revisionOf(o.Name, o.Labels); ok {
			revs = append(revs, rev)
		}
	}
	return revs, nil
}

// ListMetadata lists the metadata only (names, labels, annotations; no data)
// of the secrets or configmaps in namespace matching selector: one request
// whose size does not grow with the objects' payloads. Fake clientsets have
// no REST client: it then lists in full and keeps the metadata.
func ListMetadata(ctx context.Context, c kubernetes.Interface, namespace, resource, selector string) ([]metav1.ObjectMeta, error) {
	rc := c.CoreV1().RESTClient()
	if r, ok := rc.(*rest.RESTClient); ok && r == nil {
		return listFullMeta(ctx, c, namespace, resource, selector)
	}
	body, err := rc.Get().Namespace(namespace).Resource(resource).
		Param("labelSelector", selector).SetHeader("Accept", metaAccept).DoRaw(ctx)
	if err != nil {
		return nil, kube.APIError(err, "list", resource, namespace)
	}
	var l metav1.PartialObjectMetadataList
	if err := json.Unmarshal(body, &l); err != nil {
		return nil, fmt.Errorf("list %s metadata: %w", resource, err)
	}
	out := make([]metav1.ObjectMeta, 0, len(l.Items))
	for _, o := range l.Items {
		out = append(out, o.ObjectMeta)
	}
	return out, nil
}

func listFullMeta(ctx context.Context, c kubernetes.Interface, namespace, resource, selector string) ([]metav1.ObjectMeta, error) {
	opts := metav1.ListOptions{LabelSelector: selector}
	var out []metav1.ObjectMeta
	if resource == "configmaps" {
		l, err := c.CoreV1().ConfigMaps(namespace).List(ctx, opts)
		if err != nil {
			return nil, kube.APIError(err, "list", resource, namespace)
		}
		for _, o := range l.Items {
			out = append(out, o.ObjectMeta)
		}
		return out, nil
	}
	l, err := c.CoreV1().Secrets(namespace).List(ctx, opts)
	if err != nil {
		return nil, kube.APIError(err, "list", resource, namespace)
	}
	for _, o := range l.Items {
		out = append(out, o.ObjectMeta)
	}
	return out, nil
}

// getFromHelm reads through Helm's storage (memory and SQL drivers).
func (s *Store) getFromHelm(name string, version int) (*Record, error) {
	var rel *release.Release
	var err error
	if version > 0 {
		rel, err = s.helm.Get(name, version)
	} else if rel, err = s.helm.Deployed(name); err != nil {
		rel, err = s.helm.Last(name)
	}
	if errors.Is(err, driver.ErrReleaseNotFound) || (err == nil && rel == nil) {
		return nil, notFound(name, version, s.Namespace)
	}
	if err != nil {
		return nil, fmt.Errorf("read release %q: %w", name, err)
	}
	data, err := Encode(rel)
	if err != nil {
		return nil, err
	}
	rev := Revision{Release: rel.Name, Version: rel.Version, Status: rel.Info.Status.String(),
		Object: fmt.Sprintf("sh.helm.release.v1.%s.v%d", rel.Name, rel.Version)}
	return &Record{Revision: rev, Data: data, Labels: rel.Labels}, nil
}

func (s *Store) revisionsFromHelm(name string) ([]Revision, error) {
	h, err := s.helm.History(name)
	if err != nil && !errors.Is(err, driver.ErrReleaseNotFound) {
		return nil, fmt.Errorf("release %q history: %w", name, err)
	}
	revs := make([]Revision, 0, len(h))
	for _, r := range h {
		revs = append(revs, Revision{Release: r.Name, Version: r.Version, Status: r.Info.Status.String()})
	}
	SortRevisions(revs)
	return revs, nil
}
