package kube

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestRetryWith(t *testing.T) {
	refused := &dialErr{syscall.ECONNREFUSED}
	conflict := apierrors.NewConflict(schema.GroupResource{Resource: "configmaps"}, "x", errors.New("changed"))
	tiny := schedule{first: time.Millisecond, cap: time.Millisecond, attempts: 4}
	for _, tc := range []struct {
		name     string
		errs     []error // one per attempt; nil = success
		attempts int
		notified int
		fails    bool
	}{
		{"first attempt", []error{nil}, 1, 0, false},
		{"api back on the third", []error{refused, refused, nil}, 3, 2, false},
		{"conflict is final", []error{conflict}, 1, 0, true},
		{"out of attempts", []error{refused, refused, refused, refused, nil}, 4, 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, notified := 0, 0
			err := retryWith(context.Background(), tiny, func(error, time.Duration) { notified++ }, func() error {
				n++
				return tc.errs[n-1]
			})
			if n != tc.attempts || notified != tc.notified || (err != nil) != tc.fails {
				t.Fatalf("attempts %d notified %d err %v; want %d, %d, fails %v", n, notified, err, tc.attempts, tc.notified, tc.fails)
			}
		})
	}
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := retryWith(ctx, schedule{first: time.Hour, cap: time.Hour, attempts: 3}, func(error, time.Duration) { cancel() }, func() error {
		n++
		return &dialErr{syscall.ECONNREFUSED}
	})
	if n != 1 || err == nil {
		t.Fatalf("attempts %d, err %v: want 1 attempt and its error", n, err)
	}
}

// TestBackoffSpansARestart: the writes that must land wait out an API
// server restart under load (measured 20–35 s in the apifault e2e).
func TestBackoffSpansARestart(t *testing.T) {
	total := time.Duration(0)
	for n := 1; n < backoff.attempts; n++ {
		total += backoff.wait(n)
	}
	if w := []time.Duration{backoff.wait(1), backoff.wait(2), backoff.wait(6), backoff.wait(13)}; w[0] != 250*time.Millisecond ||
		w[1] != 500*time.Millisecond || w[2] != 5*time.Second || w[3] != 5*time.Second {
		t.Fatalf("waits %v: want 250ms, 500ms, then capped at 5s", w)
	}
	if total < 40*time.Second || total > 60*time.Second {
		t.Fatalf("retries wait %s in all; want 40–60 s", total)
	}
}

type dialErr struct{ errno syscall.Errno }

func (w *dialErr) Error() string { return "dial tcp 127.0.0.1:6443: " + w.errno.Error() }
func (w *dialErr) Unwrap() error { return w.errno }
