package verify

import (
	"context"
	"errors"
	"fmt"
	"sort"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"

	"helm.sh/helm/v3/pkg/releaseutil"

	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// customKinds reads the release's current revision from Helm storage (one
// label-selected LIST) and returns the resources of its custom kinds (those
// health.Generic judges), namespaced, sorted. A release Helm storage does not
// hold, or storage the caller may not read, gives none and a note: the five
// built-in kinds are still judged.
func (v *Verify) customKinds(ctx context.Context, release, ns string) ([]schema.GroupVersionResource, string, error) {
	if v.cfg == nil || v.cfg.Dynamic == nil || v.cfg.Mapper == nil {
		return nil, "", nil
	}
	store := helmx.New(v.cfg)
	if ns != v.cfg.Namespace {
		store = helmx.NewForClient(v.client, ns)
	}
	rec, err := store.Get(ctx, release, 0)
	if err != nil {
		if apierrors.IsForbidden(errors.Unwrap(err)) || apierrors.IsForbidden(err) {
			return nil, fmt.Sprintf("custom kinds not judged: %v", kube.APIError(err, "list", "secrets", ns)), nil
		}
		return nil, "", nil // no such release: the built-in kinds find nothing either, and say so
	}
	rel, err := rec.Release()
	if err != nil {
		return nil, "", fmt.Errorf("release %s: %w", release, err)
	}
	return v.resourcesOf(rel.Manifest), "", nil
}

// resourcesOf maps the manifest's custom kinds to their namespaced resources
// (kinds the API server does not know, or cluster-scoped ones, are skipped).
func (v *Verify) resourcesOf(manifest string) []schema.GroupVersionResource {
	seen := map[schema.GroupVersionResource]bool{}
	var out []schema.GroupVersionResource
	for _, doc := range releaseutil.SplitManifests(manifest) {
		var tm metav1.TypeMeta
		if yaml.Unmarshal([]byte(doc), &tm) != nil || tm.Kind == "" {
			continue
		}
		gvk := schema.FromAPIVersionAndKind(tm.APIVersion, tm.Kind)
		if !health.Generic(gvk.Group) {
			continue
		}
		m, err := v.cfg.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil || m.Scope.Name() != "namespace" || seen[m.Resource] {
			continue
		}
		seen[m.Resource] = true
		out = append(out, m.Resource)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// listCustom lists every custom resource of the kinds in ns (one LIST each).
func listCustom(ctx context.Context, c dynamic.Interface, ns string, gvrs []schema.GroupVersionResource) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, gvr := range gvrs {
		l, err := c.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, kube.APIError(err, "list", gvr.GroupResource().String(), ns)
		}
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	}
	return out, nil
}
