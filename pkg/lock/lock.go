package lock

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// Options describe the holder and the lock's timing.
type Options struct {
	// User is who asks (identity.Who.User); Operation what for
	// (promote, safe-rollback, recover).
	User, Operation string
	// Duration is --lock-timeout: how long the Lease stays valid without
	// renewal, so how long a crashed holder blocks the release (2m when 0;
	// whole seconds, at least 3s).
	Duration time.Duration
	// RenewEvery is the renewal period (Duration/3 when 0).
	RenewEvery time.Duration
	// OnRenewError observes every failed renewal attempt (optional; must not block).
	OnRenewError func(error)
	// Host and PID default to this process's.
	Host string
	PID  int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// ValidDuration checks a --lock-timeout (0 = the default): whole seconds,
// at least 3s. Commands call it with their other flags, before any work.
func ValidDuration(d time.Duration) error {
	if d != 0 && (d < minDuration || d%time.Second != 0) {
		return exit.InvalidInput("flag --lock-timeout: %s must be whole seconds and at least %s", d, minDuration)
	}
	return nil
}

func (o Options) withDefaults() (Options, error) {
	if o.Duration == 0 {
		o.Duration = defaultDuration
	}
	if err := ValidDuration(o.Duration); err != nil {
		return o, err
	}
	if o.RenewEvery <= 0 {
		o.RenewEvery = o.Duration / 3
	}
	if o.Host == "" {
		o.Host, _ = os.Hostname()
	}
	if o.PID == 0 {
		o.PID = os.Getpid()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.User == "" {
		o.User = "unknown"
	}
	return o, nil
}

// Acquire takes release's lock in namespace, or refuses with an exit-5
// error naming the holder and since when. The returned lock is renewed in
// the background until Release.
func Acquire(ctx context.Context, c kubernetes.Interface, namespace, release string, o Options) (*Held, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, 4)
	_, _ = rand.Read(nonce)
	me := Info{User: o.User, Operation: o.Operation, Host: o.Host, PID: o.PID, Duration: o.Duration,
		Holder: fmt.Sprintf("%s/%s/%d/%s", o.User, o.Host, o.PID, hex.EncodeToString(nonce))}
	leases := c.CoordinationV1().Leases(namespace)
	name := Name(release)
	for attempt := 0; attempt < maxAcquireRetries; attempt++ {
		cur, err := leases.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			cur, err = nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("lock %s/%s: %w", namespace, name, kube.APIError(err, "get", leaseResource, namespace))
		}
		now := o.Now()
		var got *coordv1.Lease
		var prev Info
		verb := "create"
		switch Decide(cur, now) {
		case Refuse:
			return nil, refusal(namespace, release, InfoOf(cur), now)
		case Create:
			l := &coordv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace,
				Labels: map[string]string{LabelRelease: release}}}
			stamp(l, me, now)
			got, err = leases.Create(ctx, l, metav1.CreateOptions{})
		case TakeOver:
			l := cur.DeepCopy() // carries cur's resourceVersion: the update is conditional
			prev = InfoOf(cur)
			stamp(l, me, now)
			verb = "update"
			got, err = leases.Update(ctx, l, metav1.UpdateOptions{})
		}
		if apierrors.IsAlreadyExists(err) || apierrors.IsConflict(err) {
			continue // someone else moved first: read again and decide again
		}
		if err != nil {
			if ctx.Err() != nil {
				takeBack(ctx, c, namespace, name, me.Holder)
			}
			return nil, fmt.Errorf("lock %s/%s: %w", namespace, name, kube.APIError(err, verb, leaseResource, namespace))
		}
		me.Since, me.Renewed = now, now
		h := start(c, namespace, got, me, o)
		h.Previous = prev
		return h, nil
	}
	return nil, fmt.Errorf("lock %s/%s: still contended after %d attempts", namespace, name, maxAcquireRetries)
}

// takeBack deletes the Lease if it carries this Acquire's holder identity
// (unique per call: it ends with a random nonce). A write cut by a cancelled
// context (SIGINT/SIGTERM while the request was in flight) may have been
// stored by the API server with only its answer lost; the command then ends
// believing it never held the lock, and the next operator would wait for the
// Lease to expire. Best effort, bounded, and never touches anyone else's Lease.
func takeBack(ctx context.Context, c kubernetes.Interface, namespace, name, holder string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), takeBackTimeout)
	defer cancel()
	leases := c.CoordinationV1().Leases(namespace)
	cur, err := leases.Get(ctx, name, metav1.GetOptions{})
	if err != nil || cur.Spec.HolderIdentity == nil || *cur.Spec.HolderIdentity != holder {
		return
	}
	rv, uid := cur.ResourceVersion, cur.UID
	_ = leases.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv, UID: &uid}})
}

// takeBackTimeout bounds takeBack: an interrupted command must still end promptly.
const takeBackTimeout = 5 * time.Second

// leaseResource is how errors name the Lease resource (as in a Role).
const leaseResource = "leases.coordination.k8s.io"

func refusal(namespace, release string, h Info, now time.Time) error {
	return exit.Refusal("release %s/%s is locked by %s — wait for it to finish, or for --lock-timeout if it crashed",
		namespace, release, h.Describe(now, HolderGone(h)))
}

// Get reads release's lock: nil when no Lease exists. Callers decide with
// Info.Held whether it is held now (safe-rollback --recover does).
func Get(ctx context.Context, c kubernetes.Interface, namespace, release string) (*Info, error) {
	l, err := c.CoordinationV1().Leases(namespace).Get(ctx, Name(release), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s/%s: %w", namespace, Name(release), kube.APIError(err, "get", leaseResource, namespace))
	}
	i := InfoOf(l)
	return &i, nil
}
