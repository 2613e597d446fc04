package smoke

import (
	"context"
	"sync"

	"k8s.io/client-go/kubernetes"

	"github.com/stella-ops/stella-plugins/pkg/portforward"
)

// resolver remembers, for one run, which ready pod and container port each
// http target resolved to, so that checks of the same Service share the two
// lookups (Service, pods) and only open their own port-forward. A failed
// attempt resolves again on the next one.
type resolver struct {
	mu sync.Mutex
	m  map[string]*resolved
}

type resolved struct {
	mu   sync.Mutex
	ok   bool
	pod  string
	port int
}

func (r *resolver) entry(key string) *resolved {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]*resolved{}
	}
	if r.m[key] == nil {
		r.m[key] = &resolved{}
	}
	return r.m[key]
}

// resolve returns the pod and port of t, from the cache unless fresh.
func (r *resolver) resolve(ctx context.Context, c kubernetes.Interface, t portforward.Target, fresh bool) (string, int, error) {
	e := r.entry(t.String())
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ok && !fresh {
		return e.pod, e.port, nil
	}
	pod, port, err := portforward.Resolve(ctx, c, t)
	e.ok, e.pod, e.port = err == nil, pod, port
	return pod, port, err
}
