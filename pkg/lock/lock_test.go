package lock

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"sigs.k8s.io/yaml"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func lease(t *testing.T, doc string) *coordv1.Lease {
	t.Helper()
	l := &coordv1.Lease{}
	if err := yaml.Unmarshal([]byte(doc), l); err != nil {
		t.Fatal(err)
	}
	return l
}

const heldByBob = `
metadata:
  name: stella-lock-web
  namespace: ns
  annotations: {stella-ops.org/lock-user: bob, stella-ops.org/lock-operation: promote,
    stella-ops.org/lock-host: box, stella-ops.org/lock-pid: "42"}
spec:
  holderIdentity: bob/box/42/abcd
  leaseDurationSeconds: 60
  acquireTime: "2026-11-25T11:59:00.000000Z"
  renewTime: "2026-11-25T11:59:30.000000Z"
`

func TestDecide(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		now  time.Time
		want Action
	}{
		{"absent", "", t0, Create},
		{"held and fresh", heldByBob, t0, Refuse},
		{"held, one second before expiry", heldByBob, t0.Add(29 * time.Second), Refuse},
		{"expired exactly at renew+duration", heldByBob, t0.Add(30 * time.Second), TakeOver},
		{"released: no holder", "metadata: {name: stella-lock-web}\nspec: {leaseDurationSeconds: 60, renewTime: \"2026-11-25T11:59:59.000000Z\"}", t0, TakeOver},
		{"no renew time: acquire time counts", "spec: {holderIdentity: x, leaseDurationSeconds: 10, acquireTime: \"2026-11-25T11:59:55.000000Z\"}", t0, Refuse},
		{"no duration: two-minute default", "spec: {holderIdentity: x, renewTime: \"2026-11-25T11:59:00.000000Z\"}", t0, Refuse},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var l *coordv1.Lease
			if c.doc != "" {
				l = lease(t, c.doc)
			}
			if got := Decide(l, c.now); got != c.want {
				t.Fatalf("Decide = %d, want %d", got, c.want)
			}
		})
	}
}

func opts(user string) Options {
	return Options{User: user, Operation: "safe-rollback", Duration: 6 * time.Second, Host: "h", PID: 7,
		Now: func() time.Time { return time.Now() }}
}

func TestAcquireRefusesNamingHolder(t *testing.T) {
	c := fake.NewClientset(lease(t, heldByBob))
	o := opts("alice")
	o.Duration = 60 * time.Second
	o.Now = func() time.Time { return t0 }
	_, err := Acquire(context.Background(), c, "ns", "web", o)
	if exit.CodeOf(err) != exit.Refused {
		t.Fatalf("want refusal, got %v", err)
	}
	for _, want := range []string{"ns/web", "bob (promote on box pid 42)", "since 2026-11-25T11:59:00Z", "1m0s ago", "expires at 2026-11-25T12:00:30Z"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q lacks %q", err, want)
		}
	}
}

func TestAcquireCreatesThenReleaseDeletes(t *testing.T) {
	c := fake.NewClientset()
	h, err := Acquire(context.Background(), c, "ns", "web", opts("alice"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.CoordinationV1().Leases("ns").Get(context.Background(), "stella-lock-web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	i := InfoOf(l)
	if i.User != "alice" || i.Operation != "safe-rollback" || i.Host != "h" || i.PID != 7 || i.Duration != 6*time.Second ||
		!strings.HasPrefix(i.Holder, "alice/h/7/") || l.Labels[LabelRelease] != "web" || l.Labels[LabelManagedBy] != "stella" {
		t.Fatalf("lease fields: %+v labels %v", i, l.Labels)
	}
	if err := h.Release(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoordinationV1().Leases("ns").Get(context.Background(), "stella-lock-web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("lease not deleted: %v", err)
	}
	if err := h.Release(context.Background()); err != nil {
		t.Fatalf("second release: %v", err)
	}
}

func TestAcquireTakesOverExpired(t *testing.T) {
	c := fake.NewClientset(lease(t, heldByBob))
	o := opts("alice")
	o.Now = func() time.Time { return t0.Add(31 * time.Second) }
	o.RenewEvery = time.Hour
	h, err := Acquire(context.Background(), c, "ns", "web", o)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release(context.Background())
	if i := h.Info(); i.User != "alice" || !i.Since.Equal(t0.Add(31*time.Second)) {
		t.Fatalf("not taken over: %+v", i)
	}
}

// A conflict on take-over means someone else was faster: read again and
// refuse, naming them, rather than overwrite.
func TestAcquireConflictRereadsAndRefuses(t *testing.T) {
	c := fake.NewClientset(lease(t, heldByBob))
	o := opts("alice")
	o.Now = func() time.Time { return t0.Add(31 * time.Second) }
	c.PrependReactor("update", "leases", func(a k8stesting.Action) (bool, runtime.Object, error) {
		carol := lease(t, strings.NewReplacer("bob", "carol", "11:59:30", "12:00:30").Replace(heldByBob))
		if err := c.Tracker().Update(schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}, carol, "ns"); err != nil {
			t.Fatal(err)
		}
		return true, nil, apierrors.NewConflict(schema.GroupResource{Resource: "leases"}, "stella-lock-web", errors.New("modified"))
	})
	_, err := Acquire(context.Background(), c, "ns", "web", o)
	if exit.CodeOf(err) != exit.Refused || !strings.Contains(err.Error(), "carol (promote on box pid 42)") {
		t.Fatalf("want refusal naming carol, got %v", err)
	}
}

func TestAcquireCreateRaceRereads(t *testing.T) {
	c := fake.NewClientset()
	c.PrependReactor("create", "leases", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if err := c.Tracker().Add(lease(t, strings.ReplaceAll(heldByBob, "11:59:30", "12:00:00"))); err != nil {
			t.Fatal(err)
		}
		return true, nil, apierrors.NewAlreadyExists(schema.GroupResource{Resource: "leases"}, "stella-lock-web")
	})
	o := opts("alice")
	o.Now = func() time.Time { return t0 }
	_, err := Acquire(context.Background(), c, "ns", "web", o)
	if exit.CodeOf(err) != exit.Refused || !strings.Contains(err.Error(), "bob") {
		t.Fatalf("want refusal naming bob, got %v", err)
	}
}

// A SIGINT while the create is in flight: the API server stores the Lease,
// the answer is lost to the cancelled context. Acquire must take its own
// Lease back (the next operator would otherwise wait for it to expire), and
// never someone else's.
func TestAcquireCancelledMidCreateTakesItsLeaseBack(t *testing.T) {
	for _, tc := range []struct {
		name     string
		other    bool // the stored Lease is someone else's
		wantGone bool
	}{{"own lease", false, true}, {"another holder's lease", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			c := fake.NewClientset()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c.PrependReactor("create", "leases", func(a k8stesting.Action) (bool, runtime.Object, error) {
				l := a.(k8stesting.CreateAction).GetObject().(*coordv1.Lease).DeepCopy()
				if tc.other {
					l = lease(t, heldByBob)
				}
				if err := c.Tracker().Add(l); err != nil {
					t.Fatal(err)
				}
				cancel()
				return true, nil, context.Canceled
			})
			if _, err := Acquire(ctx, c, "ns", "web", opts("alice")); err == nil {
				t.Fatal("acquire succeeded")
			}
			_, err := c.CoordinationV1().Leases("ns").Get(context.Background(), "stella-lock-web", metav1.GetOptions{})
			if gone := apierrors.IsNotFound(err); gone != tc.wantGone {
				t.Fatalf("lease gone: %v, want %v (%v)", gone, tc.wantGone, err)
			}
		})
	}
}

func TestRenewalFailureIsReportedBeforeExpiry(t *testing.T) {
	c := fake.NewClientset()
	var failures atomic.Int32
	o := opts("alice")
	// a renewal period of a third of the lock, as the commands use: the loss
	// is decided at Duration-RenewEvery, a second before the lapse, so a
	// process starved of CPU for < 1 s still reports it in time
	o.Duration, o.RenewEvery = 3*time.Second, time.Second
	o.OnRenewError = func(error) { failures.Add(1) }
	var apiDown atomic.Bool // reactors are installed before the renewer runs: the fake's chain is not goroutine-safe
	c.PrependReactor("update", "leases", func(k8stesting.Action) (bool, runtime.Object, error) {
		return apiDown.Load(), nil, errors.New("connection refused")
	})
	h, err := Acquire(context.Background(), c, "ns", "web", o)
	if err != nil {
		t.Fatal(err)
	}
	acquired := time.Now()
	apiDown.Store(true)
	select {
	case err := <-h.Lost():
		waited := time.Since(acquired)
		if !errors.Is(err, ErrLost) || !strings.Contains(err.Error(), "connection refused") {
			t.Fatalf("lost error: %v", err)
		}
		if waited < 2*time.Second || waited >= 3*time.Second {
			t.Fatalf("lost reported after %s, want between Duration-RenewEvery and Duration", waited)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("renewal failure never reported")
	}
	if failures.Load() < 2 {
		t.Fatalf("OnRenewError called %d times", failures.Load())
	}
}

func TestStolenLockIsLostAndNotReleased(t *testing.T) {
	c := fake.NewClientset()
	o := opts("alice")
	o.RenewEvery = 100 * time.Millisecond
	var stolen atomic.Bool
	c.PrependReactor("update", "leases", func(k8stesting.Action) (bool, runtime.Object, error) {
		return stolen.Load(), nil, apierrors.NewConflict(schema.GroupResource{Resource: "leases"}, "stella-lock-web", errors.New("modified"))
	})
	h, err := Acquire(context.Background(), c, "ns", "web", o)
	if err != nil {
		t.Fatal(err)
	}
	stolen.Store(true) // from now on our conditional renewals conflict, as they would against the real API
	if err := c.Tracker().Update(schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}, lease(t, heldByBob), "ns"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-h.Lost():
		if !errors.Is(err, ErrLost) || !strings.Contains(err.Error(), "bob") {
			t.Fatalf("lost error: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("theft never reported")
	}
	if err := h.Release(context.Background()); !errors.Is(err, ErrLost) {
		t.Fatalf("release of a stolen lock: %v", err)
	}
	if _, err := c.CoordinationV1().Leases("ns").Get(context.Background(), "stella-lock-web", metav1.GetOptions{}); err != nil {
		t.Fatalf("bob's lease must survive alice's release: %v", err)
	}
}

func TestBadDuration(t *testing.T) {
	for _, d := range []time.Duration{time.Second, 2500 * time.Millisecond, -time.Minute} {
		o := opts("a")
		o.Duration = d
		if _, err := Acquire(context.Background(), fake.NewClientset(), "ns", "web", o); exit.CodeOf(err) != exit.Invalid {
			t.Errorf("duration %s: %v", d, err)
		}
	}
}

// A Release while the API server restarts (refused, then unavailable) still
// deletes the Lease once it is back, instead of leaving it to expire.
func TestReleaseRetriesWhileAPIServerRestarts(t *testing.T) {
	c := fake.NewClientset()
	h, err := Acquire(context.Background(), c, "ns", "web", opts("alice"))
	if err != nil {
		t.Fatal(err)
	}
	var gets, deletes atomic.Int32
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	c.PrependReactor("get", "leases", func(k8stesting.Action) (bool, runtime.Object, error) {
		if gets.Add(1) == 1 {
			return true, nil, refused
		}
		return false, nil, nil
	})
	c.PrependReactor("delete", "leases", func(k8stesting.Action) (bool, runtime.Object, error) {
		if deletes.Add(1) == 1 {
			return true, nil, apierrors.NewServiceUnavailable("apiserver restarting")
		}
		return false, nil, nil
	})
	if err := h.Release(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoordinationV1().Leases("ns").Get(context.Background(), "stella-lock-web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("lease not deleted: %v", err)
	}
	if deletes.Load() != 2 {
		t.Fatalf("deletes = %d, want 2 (one failed, one retried)", deletes.Load())
	}
}
