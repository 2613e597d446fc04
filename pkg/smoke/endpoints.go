package smoke

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/releaseutil"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// endpointsAttempt checks that every Service (of the release, or as listed)
// has at least e.Min ready endpoints in its EndpointSlices.
func (o *Smoke) endpointsAttempt(ctx context.Context, release, ns string, e *EndpointsCheck) outcome {
	services := e.Services
	if len(services) == 0 {
		var err error
		if services, err = o.releaseServices(ctx, release); err != nil {
			return outcome{Reason: err.Error()}
		}
		if len(services) == 0 {
			return outcome{Reason: fmt.Sprintf("release %s has no Service", release)}
		}
	}
	counts := map[string]int{}
	for _, svc := range services {
		list, err := o.cfg.Typed.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + svc})
		if err != nil {
			return outcome{Reason: fmt.Sprintf("endpointslices of %s: %v", svc, err)}
		}
		counts[svc] = ReadyEndpoints(list.Items)
		if counts[svc] < e.Min { // short: say whether the Service exists at all
			if _, err := o.cfg.Typed.CoreV1().Services(ns).Get(ctx, svc, metav1.GetOptions{}); apierrors.IsNotFound(err) {
				counts[svc] = notFound
			}
		}
	}
	return outcome{Reason: evaluateEndpoints(counts, e.Min, ns)}
}

// notFound is the count of a Service that does not exist.
const notFound = -1

// ReadyEndpoints counts the distinct ready endpoints of a Service's slices
// (a missing ready condition counts as ready, as the API documents).
func ReadyEndpoints(slices []discoveryv1.EndpointSlice) int {
	seen := map[string]bool{}
	for _, s := range slices {
		for _, ep := range s.Endpoints {
			if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
				continue
			}
			key := strings.Join(ep.Addresses, ",")
			if ep.TargetRef != nil {
				key = ep.TargetRef.Namespace + "/" + ep.TargetRef.Name
			}
			seen[key] = true
		}
	}
	return len(seen)
}

// evaluateEndpoints is the pure verdict: "" when each service has ≥ min.
func evaluateEndpoints(counts map[string]int, min int, ns string) string {
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	var short []string
	for _, n := range names {
		if counts[n] == notFound {
			short = append(short, fmt.Sprintf("service %s not found in namespace %s", n, ns))
		} else if counts[n] < min {
			short = append(short, fmt.Sprintf("%s has %d ready endpoint(s)", n, counts[n]))
		}
	}
	if len(short) == 0 {
		return ""
	}
	return fmt.Sprintf("%s (want ≥ %d)", strings.Join(short, ", "), min)
}

// releaseServices lists the Services in the release's stored manifest.
func (o *Smoke) releaseServices(ctx context.Context, release string) ([]string, error) {
	if release == "" {
		return nil, fmt.Errorf("no release given: pass RELEASE or list endpoints.services")
	}
	rel, err := o.lastRelease(ctx, release)
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", release, err)
	}
	return servicesIn(rel.Manifest), nil
}

// servicesIn returns the sorted names of the Services of a rendered manifest.
func servicesIn(manifest string) []string {
	var out []string
	for _, doc := range releaseutil.SplitManifests(manifest) {
		var head struct {
			APIVersion string            `json:"apiVersion"`
			Kind       string            `json:"kind"`
			Metadata   metav1.ObjectMeta `json:"metadata"`
		}
		if sigsyaml.Unmarshal([]byte(doc), &head) != nil {
			continue
		}
		if head.Kind == "Service" && head.APIVersion == "v1" && head.Metadata.Name != "" {
			out = append(out, head.Metadata.Name)
		}
	}
	sort.Strings(out)
	return out
}
