package lock

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// ErrLost is wrapped by the error Lost delivers and by Release when the
// lock is no longer ours.
var ErrLost = errors.New("lock lost")

// Held is a lock we hold; it is renewed in the background until Release.
type Held struct {
	// Previous is the holder whose expired or released lock this one took
	// over (zero when the Lease was new): its Renewed is the last sign of
	// life of an operation that ended without releasing it.
	Previous Info

	c        kubernetes.Interface
	ns, name string
	me       Info
	o        Options

	mu    sync.Mutex
	lease *coordv1.Lease

	lost      chan error
	stop      chan struct{}
	done      chan struct{}
	stopOnce  sync.Once
	releaseMu sync.Mutex
	released  bool
}

func start(c kubernetes.Interface, ns string, l *coordv1.Lease, me Info, o Options) *Held {
	h := &Held{c: c, ns: ns, name: l.Name, me: me, o: o, lease: l,
		lost: make(chan error, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go h.renewLoop()
	return h
}

// Info describes our hold on the lock.
func (h *Held) Info() Info {
	h.mu.Lock()
	defer h.mu.Unlock()
	return InfoOf(h.lease)
}

// Lost delivers one error (wrapping ErrLost) and is then closed when the
// lock was taken by someone else, deleted, or could not be renewed for so
// long that it may lapse within one renewal period. It stays silent after
// Release.
func (h *Held) Lost() <-chan error { return h.lost }

func (h *Held) renewLoop() {
	defer close(h.done)
	lastOK := h.me.Renewed
	wait := h.o.RenewEvery
	retry := max(h.o.RenewEvery/5, 200*time.Millisecond)
	for {
		select {
		case <-h.stop:
			return
		case <-time.After(wait):
		}
		now := h.o.Now()
		err := h.renew(now)
		switch {
		case err == nil:
			lastOK, wait = now, h.o.RenewEvery
		case errors.Is(err, ErrLost):
			h.lose(err)
			return
		default:
			if h.o.OnRenewError != nil {
				h.o.OnRenewError(err)
			}
			if !now.Before(lastOK.Add(h.o.Duration - h.o.RenewEvery)) {
				h.lose(fmt.Errorf("%w: %s not renewed since %s, it may lapse at %s: %w", ErrLost, h.name,
					lastOK.UTC().Format(time.RFC3339), lastOK.Add(h.o.Duration).UTC().Format(time.RFC3339), err))
				return
			}
			wait = retry
		}
	}
}

func (h *Held) lose(err error) {
	h.lost <- err
	close(h.lost)
}

// renew writes a new renewTime, conditional on the resourceVersion we
// last saw; on a conflict it reads the Lease again and renews only if it
// is still ours.
func (h *Held) renew(now time.Time) error {
	ctx, cancel := context.WithTimeout(context.Background(), h.o.RenewEvery)
	defer cancel()
	leases := h.c.CoordinationV1().Leases(h.ns)
	h.mu.Lock()
	l := h.lease.DeepCopy()
	h.mu.Unlock()
	for attempt := 0; attempt < 2; attempt++ {
		t := metav1.NewMicroTime(now)
		l.Spec.RenewTime = &t
		got, err := leases.Update(ctx, l, metav1.UpdateOptions{})
		if err == nil {
			h.mu.Lock()
			h.lease = got
			h.mu.Unlock()
			return nil
		}
		if !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
			return fmt.Errorf("renew %s: %w", h.name, kube.APIError(err, "update", leaseResource, h.ns))
		}
		if l, err = h.reread(ctx); err != nil {
			return err
		}
	}
	return fmt.Errorf("renew %s: still conflicting", h.name)
}

// reread returns the current Lease if it is still ours, else an ErrLost error.
func (h *Held) reread(ctx context.Context) (*coordv1.Lease, error) {
	cur, err := h.c.CoordinationV1().Leases(h.ns).Get(ctx, h.name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("%w: %s was deleted by someone else", ErrLost, h.name)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", h.name, kube.APIError(err, "get", leaseResource, h.ns))
	}
	if i := InfoOf(cur); i.Holder != h.me.Holder {
		return nil, fmt.Errorf("%w: %s is now held by %s since %s", ErrLost, h.name, i, i.Since.UTC().Format(time.RFC3339))
	}
	return cur, nil
}

// Release stops renewing and deletes the Lease if it is still ours
// (conditional on its resourceVersion). Pass a context that is not the
// cancelled operation's: releasing must work after SIGINT. Transient API
// errors (a restarting API server) are retried for ≈ 48 s, so the next
// operator does not wait for the Lease to expire. Calling it again is a
// no-op.
func (h *Held) Release(ctx context.Context) error {
	h.stopOnce.Do(func() { close(h.stop) })
	<-h.done
	h.releaseMu.Lock()
	defer h.releaseMu.Unlock()
	if h.released {
		return nil
	}
	return kube.Retry(ctx, func() error { return h.release(ctx) })
}

func (h *Held) release(ctx context.Context) error {
	for attempt := 0; attempt < 3; attempt++ {
		cur, err := h.reread(ctx)
		if errors.Is(err, ErrLost) {
			h.released = true
			return fmt.Errorf("release lock: %w", err)
		}
		if err != nil {
			return fmt.Errorf("release lock: %w", err)
		}
		rv, uid := cur.ResourceVersion, cur.UID
		err = h.c.CoordinationV1().Leases(h.ns).Delete(ctx, h.name,
			metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv, UID: &uid}})
		if err == nil || apierrors.IsNotFound(err) {
			h.released = true
			return nil
		}
		if !apierrors.IsConflict(err) {
			return fmt.Errorf("release lock %s: %w", h.name, kube.APIError(err, "delete", leaseResource, h.ns))
		}
	}
	return fmt.Errorf("release lock %s: still conflicting", h.name)
}
