package watch

import (
	"context"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/stella-ops/stella-plugins/pkg/health"
)

// Source is an informer-backed view of the workloads and pods of one
// namespace ("" = all namespaces).
type Source struct {
	factory informers.SharedInformerFactory
	events  []cache.SharedIndexInformer // the autoscaler's events on pods, one per reason
	custom  []cache.SharedIndexInformer // the release's custom kinds
	running sync.WaitGroup              // the events informers' goroutines
	changed chan struct{}
	errOnce sync.Once
	errs    chan error
	cancel  context.CancelFunc
}

// Start starts informers for pods, deployments, statefulsets, daemonsets,
// jobs and the autoscaler's events (health.ScaleReasons, selected by the API
// server) and waits until their caches are synced. A LIST or WATCH that is
// refused (forbidden, unauthorized) ends it with that error instead of
// retrying forever.
func Start(ctx context.Context, client kubernetes.Interface, namespace string, custom ...Custom) (*Source, error) {
	ctx, cancel := context.WithCancel(ctx)
	s := &Source{changed: make(chan struct{}, 1), errs: make(chan error, 1), cancel: cancel}
	s.factory = informers.NewSharedInformerFactoryWithOptions(client, 0,
		informers.WithNamespace(namespace), informers.WithTransform(stripManagedFields))
	if err := s.addEventInformers(client, namespace); err != nil {
		cancel()
		return nil, err
	}
	for _, c := range custom {
		inf := dynamicinformer.NewFilteredDynamicInformer(c.Client, c.Resource, namespace, 0, cache.Indexers{}, nil).Informer()
		if err := inf.SetTransform(stripManagedFields); err != nil {
			cancel()
			return nil, fmt.Errorf("watch: %w", err)
		}
		s.custom = append(s.custom, inf)
	}
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { s.notify() },
		UpdateFunc: func(any, any) { s.notify() },
		DeleteFunc: func(any) { s.notify() },
	}
	for _, inf := range s.informers() {
		if _, err := inf.AddEventHandler(handler); err != nil {
			cancel()
			return nil, fmt.Errorf("watch: %w", err)
		}
		if err := inf.SetWatchErrorHandlerWithContext(s.onError); err != nil {
			cancel()
			return nil, fmt.Errorf("watch: %w", err)
		}
	}
	s.factory.Start(ctx.Done())
	for _, inf := range s.own() {
		s.running.Go(func() { inf.RunWithContext(ctx) })
	}
	synced := make(chan struct{})
	go func() {
		s.factory.WaitForCacheSync(ctx.Done())
		cache.WaitForCacheSync(ctx.Done(), s.eventsSynced()...)
		close(synced)
	}()
	select {
	case <-synced:
	case err := <-s.errs:
		s.Stop()
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Stop ends the informers and waits for their goroutines.
func (s *Source) Stop() {
	s.cancel()
	s.factory.Shutdown()
	s.running.Wait()
}

// Changed receives a value after the cached state changed.
func (s *Source) Changed() <-chan struct{} { return s.changed }

// Err receives a fatal watch error (access refused while watching).
func (s *Source) Err() <-chan error { return s.errs }

// Objects returns the current cached state.
func (s *Source) Objects() health.Objects {
	var o health.Objects
	all := labels.Everything()
	o.Pods, _ = s.factory.Core().V1().Pods().Lister().List(all)
	o.Deployments, _ = s.factory.Apps().V1().Deployments().Lister().List(all)
	o.StatefulSets, _ = s.factory.Apps().V1().StatefulSets().Lister().List(all)
	o.DaemonSets, _ = s.factory.Apps().V1().DaemonSets().Lister().List(all)
	o.Jobs, _ = s.factory.Batch().V1().Jobs().Lister().List(all)
	for _, inf := range s.events {
		for _, obj := range inf.GetStore().List() {
			if e, ok := obj.(*corev1.Event); ok {
				o.Events = append(o.Events, e)
			}
		}
	}
	for _, inf := range s.custom {
		for _, obj := range inf.GetStore().List() {
			if u, ok := obj.(*unstructured.Unstructured); ok {
				o.Custom = append(o.Custom, u)
			}
		}
	}
	return o
}

// addEventInformers adds one informer per autoscaler event reason; the
// field selector keeps every other event out of the caches.
func (s *Source) addEventInformers(client kubernetes.Interface, namespace string) error {
	for _, reason := range health.ScaleReasons {
		selector := fields.OneTermEqualSelector("reason", reason).String()
		inf := coreinformers.NewFilteredEventInformer(client, namespace, 0, cache.Indexers{},
			func(o *metav1.ListOptions) { o.FieldSelector = selector })
		if err := inf.SetTransform(stripManagedFields); err != nil {
			return fmt.Errorf("watch: %w", err)
		}
		s.events = append(s.events, inf)
	}
	return nil
}

func (s *Source) eventsSynced() []cache.InformerSynced {
	var out []cache.InformerSynced
	for _, inf := range s.own() {
		out = append(out, inf.HasSynced)
	}
	return out
}

func (s *Source) informers() []cache.SharedIndexInformer {
	return append([]cache.SharedIndexInformer{
		s.factory.Core().V1().Pods().Informer(),
		s.factory.Apps().V1().Deployments().Informer(),
		s.factory.Apps().V1().StatefulSets().Informer(),
		s.factory.Apps().V1().DaemonSets().Informer(),
		s.factory.Batch().V1().Jobs().Informer(),
	}, s.own()...)
}

// own are the informers Start runs itself (outside the factory).
func (s *Source) own() []cache.SharedIndexInformer {
	return append(append([]cache.SharedIndexInformer{}, s.events...), s.custom...)
}

// Custom is one custom kind to watch beside the built-in ones.
type Custom struct {
	Client   dynamic.Interface
	Resource schema.GroupVersionResource
}

func (s *Source) notify() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// onError turns refused access into a fatal error; anything else (a dropped
// connection, an expired resourceVersion) the reflector retries itself.
func (s *Source) onError(_ context.Context, r *cache.Reflector, err error) {
	if apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) {
		s.errOnce.Do(func() { s.errs <- fmt.Errorf("watch %s: %w", r.TypeDescription(), err) })
	}
}

func stripManagedFields(obj any) (any, error) {
	if a, err := meta.Accessor(obj); err == nil {
		a.SetManagedFields(nil)
	}
	return obj, nil
}
