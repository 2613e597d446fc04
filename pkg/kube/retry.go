package kube

import (
	"context"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
)

// backoff spans an API server restart (≈ 18 s in all) so that the writes
// that must land after a failure (a journal entry's outcome, a Lease's
// release) still do.
var backoff = wait.Backoff{Duration: 250 * time.Millisecond, Factor: 2, Steps: 7, Cap: 5 * time.Second}

// Transient reports whether err may pass by retrying: the API server is
// restarting, overloaded or timed out. Conflicts are not transient: they
// mean another writer.
func Transient(err error) bool {
	return apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) || apierrors.IsTooManyRequests(err) ||
		apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err) ||
		utilnet.IsConnectionRefused(err) || utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err)
}

// Retry runs write until it succeeds, fails for good (a non-Transient
// error), or ctx ends. write must be idempotent: a retried write whose
// first attempt landed must report success.
func Retry(ctx context.Context, write func() error) error {
	return retry.OnError(backoff, func(err error) bool { return ctx.Err() == nil && Transient(err) }, write)
}
