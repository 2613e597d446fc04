//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// Two operators, two processes, ten races with random timing (both
// processes are started, then released together, then wait 0-7 ms): exactly
// one holds the lock every time, the other is refused with exit 5 naming the
// winner's identity and pid.
func TestLockTwoProcessesRace(t *testing.T) {
	h := harness.New(t)
	lockRace(t, h, 10, nil)
}

// The same race over a Lease a crashed holder left expired: both take it
// over with a preconditioned update; the 409 loser re-reads and refuses.
func TestLockTwoProcessesRaceForExpiredLease(t *testing.T) {
	h := harness.New(t)
	lockRace(t, h, 5, func() {
		past := metav1.NewMicroTime(time.Now().Add(-time.Minute))
		secs, id := int32(10), "carol/gone/1/dead"
		l := &coordv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: lock.Name("stellaops")},
			Spec: coordv1.LeaseSpec{HolderIdentity: &id, LeaseDurationSeconds: &secs, AcquireTime: &past, RenewTime: &past}}
		if _, err := h.Client.CoordinationV1().Leases(h.Namespace).Create(context.Background(), l, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}

func lockRace(t *testing.T, h *harness.T, n int, before func()) {
	contended := 0
	for i := 0; i < n; i++ {
		if before != nil {
			before()
		}
		a := startLockHolder(t, h, "alice", "stellaops", "20s", time.Duration(rand.IntN(8))*time.Millisecond, "LOCK_BARRIER=1")
		b := startLockHolder(t, h, "bob", "stellaops", "20s", time.Duration(rand.IntN(8))*time.Millisecond, "LOCK_BARRIER=1")
		for _, p := range []*lockHolder{a, b} {
			if l := <-p.lines; l != "READY" {
				t.Fatalf("%s: %q", p.identity, l)
			}
		}
		for _, p := range []*lockHolder{a, b} {
			fmt.Fprintln(p.stdin, "GO")
		}
		aWon, bWon := a.outcome(t), b.outcome(t)
		if aWon == bWon {
			t.Fatalf("race %d: alice acquired %v, bob acquired %v (stderr alice %q bob %q)", i, aWon, bWon, a.stderr.String(), b.stderr.String())
		}
		win, lose := a, b
		if bWon {
			win, lose = b, a
		}
		<-lose.exited
		msg := lose.stderr.String()
		wantHolder := fmt.Sprintf("locked by %s (safe-rollback on ", win.identity)
		wantPID := fmt.Sprintf(" pid %d)", win.cmd.Process.Pid)
		if lose.code != 5 || !strings.Contains(msg, wantHolder) || !strings.Contains(msg, wantPID) || !strings.Contains(msg, " since ") {
			t.Fatalf("race %d: loser %s exit %d, stderr %q; want exit 5 naming %q%q", i, lose.identity, lose.code, msg, wantHolder, wantPID)
		}
		win.releaseAndWait(t)
		lockLeaseGone(t, h, "stellaops")
		lost409 := !strings.Contains(msg, "CONFLICTS 0\n")
		if lost409 {
			contended++
		}
		t.Logf("race %d: %s won; loser saw a 409 and re-read: %v", i, win.identity, lost409)
	}
	t.Logf("%d of %d races were decided by a 409 (both processes wrote at once)", contended, n)
}

// A held lock outlives its duration because it is renewed; the holder's
// release frees it at once; deleting it under the holder is reported on Lost.
func TestLockRenewReleaseAndLost(t *testing.T) {
	h := harness.New(t)
	ctx := context.Background()
	bob, _, err := lockClientFor(filepath.Join(h.Env.StateDir, "kubeconfig-bob"))
	if err != nil {
		t.Fatal(err)
	}
	a := startLockHolder(t, h, "alice", "web", "3s", 0)
	if !a.outcome(t) {
		t.Fatalf("alice refused: %s", a.stderr.String())
	}
	first, _ := lock.Get(ctx, h.Client, h.Namespace, "web")
	time.Sleep(4500 * time.Millisecond) // 1.5 × the lock timeout
	_, err = lock.Acquire(ctx, bob, h.Namespace, "web", lock.Options{User: "bob", Duration: 3 * time.Second})
	if exit.CodeOf(err) != exit.Refused || !strings.Contains(err.Error(), "alice") {
		t.Fatalf("bob after 1.5× timeout while alice renews: %v", err)
	}
	now, _ := lock.Get(ctx, h.Client, h.Namespace, "web")
	if !now.Renewed.After(first.Renewed.Add(2*time.Second)) || !now.Since.Equal(first.Since) {
		t.Fatalf("not renewed: first %+v now %+v", first, now)
	}
	a.releaseAndWait(t)
	lockLeaseGone(t, h, "web")
	held, err := lock.Acquire(ctx, bob, h.Namespace, "web", lock.Options{User: "bob", Operation: "promote", Duration: 3 * time.Second})
	if err != nil {
		t.Fatalf("bob right after alice released: %v", err)
	}
	if err := h.Client.CoordinationV1().Leases(h.Namespace).Delete(ctx, lock.Name("web"), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-held.Lost():
		if !errors.Is(err, lock.ErrLost) || !strings.Contains(err.Error(), "deleted") {
			t.Fatalf("lost: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("deleting bob's lease was never reported on Lost")
	}
	if err := held.Release(ctx); !errors.Is(err, lock.ErrLost) {
		t.Fatalf("release after loss: %v", err)
	}
}

// kill -9 a holder: its Lease is refused to others until renewTime +
// lock timeout, and taken over right after.
func TestLockCrashedHolderExpires(t *testing.T) {
	h := harness.New(t)
	ctx := context.Background()
	bob, _, err := lockClientFor(filepath.Join(h.Env.StateDir, "kubeconfig-bob"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		a := startLockHolder(t, h, "alice", "stellaops", "6s", 0)
		if !a.outcome(t) {
			t.Fatalf("alice refused: %s", a.stderr.String())
		}
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Millisecond)
		pid := a.cmd.Process.Pid
		if err := a.cmd.Process.Kill(); err != nil { // SIGKILL: no release, no renewal
			t.Fatal(err)
		}
		<-a.exited
		info, err := lock.Get(ctx, h.Client, h.Namespace, "stellaops")
		if err != nil || info == nil {
			t.Fatalf("lease after kill: %v %v", info, err)
		}
		expiry := info.Expires()
		refusals := 0
		for {
			before := time.Now()
			held, err := lock.Acquire(ctx, bob, h.Namespace, "stellaops", lock.Options{User: "bob", Duration: 6 * time.Second})
			if err == nil {
				if before.Before(expiry.Add(-50 * time.Millisecond)) {
					t.Fatalf("taken over at %s, before expiry %s", before, expiry)
				}
				t.Logf("run %d: %d refusals, taken over %s after expiry", i, refusals, time.Since(expiry).Round(time.Millisecond))
				if err := held.Release(ctx); err != nil {
					t.Fatal(err)
				}
				break
			}
			if exit.CodeOf(err) != exit.Refused || !strings.Contains(err.Error(), "alice (safe-rollback on ") ||
				!strings.Contains(err.Error(), fmt.Sprintf("pid %d", pid)) {
				t.Fatalf("refusal: %v", err)
			}
			// an attempt that starts after the expiry decides after it: it
			// must take over (timed by its start, not by when a loaded
			// machine lets it return)
			if before.After(expiry.Add(50 * time.Millisecond)) {
				t.Fatalf("attempt started at %s, after expiry %s, refused: %v", before, expiry, err)
			}
			refusals++
			time.Sleep(200 * time.Millisecond)
		}
		if refusals == 0 {
			t.Fatalf("run %d: never refused before expiry", i)
		}
	}
}
