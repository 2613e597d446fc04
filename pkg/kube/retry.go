package kube

import (
	"context"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilnet "k8s.io/apimachinery/pkg/util/net"
)

// backoff spans an API server that is killed and restarted (≈ 48 s of
// waits in all, 14 attempts) so that the writes that must land after a
// failure — a journal entry's outcome, a Lease's release — still do: a
// restart under load takes 20–35 s. (client-go's wait.Backoff stops at its
// cap: the same numbers there gave ≈ 8 s.)
var backoff = schedule{first: 250 * time.Millisecond, cap: 5 * time.Second, attempts: 14}

// schedule is a capped doubling backoff: attempts in all, the waits between
// them first, 2×first, … up to cap.
type schedule struct {
	first, cap time.Duration
	attempts   int
}

// wait is the pause after failed attempt n (1-based).
func (s schedule) wait(n int) time.Duration {
	d := s.first
	for i := 1; i < n && d < s.cap; i++ {
		d *= 2
	}
	return min(d, s.cap)
}

// Transient reports whether err may pass by retrying: the API server is
// restarting, overloaded or timed out. Conflicts are not transient: they
// mean another writer.
func Transient(err error) bool {
	return apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) || apierrors.IsTooManyRequests(err) ||
		apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err) ||
		utilnet.IsConnectionRefused(err) || utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err)
}

// Retry runs write until it succeeds, fails for good (a non-Transient
// error), runs out of attempts, or ctx ends. write must be idempotent: a
// retried write whose first attempt landed must report success.
func Retry(ctx context.Context, write func() error) error {
	return RetryNotify(ctx, nil, write)
}

// RetryNotify is Retry telling notify, when not nil, of each transient
// failure and the wait before the next attempt (progress on a long wait).
func RetryNotify(ctx context.Context, notify func(err error, next time.Duration), write func() error) error {
	return retryWith(ctx, backoff, notify, write)
}

func retryWith(ctx context.Context, s schedule, notify func(error, time.Duration), write func() error) error {
	for n := 1; ; n++ {
		err := write()
		if err == nil || ctx.Err() != nil || !Transient(err) || n >= s.attempts {
			return err
		}
		next := s.wait(n)
		if notify != nil {
			notify(err, next)
		}
		t := time.NewTimer(next)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}
