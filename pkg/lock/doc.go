// Package lock is the per-release operation lock shared by promote and
// safe-rollback: a coordination.k8s.io/v1 Lease named stella-lock-<release>
// in the release's namespace.
//
// Acquire takes the Lease or refuses (exit 5) naming its holder and since
// when. Taking it is race-free between processes and machines: a free
// Lease is created (AlreadyExists means someone else was faster), an expired
// or released one is taken over by an Update carrying the resourceVersion
// that was read (409 Conflict means someone else was faster); either way the
// Lease is read again and the decision made again, so two holders never
// coexist. The held Lease is renewed every Duration/3 until Release; a
// holder that crashed stops renewing and its Lease expires Duration after
// its last renewal. When renewing fails long enough that the Lease could
// expire, Lost reports it so the operation can stop safely.
//
// Decide (which of create, take over or refuse) is a pure function of the
// Lease read and the clock; the side effects live in Acquire, the renewer
// and Release.
package lock
