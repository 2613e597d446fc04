package lock

import (
	"fmt"
	"strconv"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Labels and annotations written on the Lease, so that `kubectl get lease`
// shows who holds a release's lock and why.
const (
	LabelManagedBy    = "app.kubernetes.io/managed-by"
	LabelRelease      = "stella-ops.org/lock-release"
	AnnotationUser    = "stella-ops.org/lock-user"
	AnnotationOp      = "stella-ops.org/lock-operation"
	AnnotationHost    = "stella-ops.org/lock-host"
	AnnotationPID     = "stella-ops.org/lock-pid"
	managedByStella   = "stella"
	namePrefix        = "stella-lock-"
	defaultDuration   = 2 * time.Minute
	minDuration       = 3 * time.Second
	maxAcquireRetries = 8
)

// Name is the Lease name of release's lock.
func Name(release string) string { return namePrefix + release }

// Info describes a Lease as a lock: who holds it, for what, since when.
type Info struct {
	Holder    string        `json:"holder"` // unique holder identity (user/host/pid/nonce)
	User      string        `json:"user"`
	Operation string        `json:"operation"`
	Host      string        `json:"host"`
	PID       int           `json:"pid"`
	Since     time.Time     `json:"since"`
	Renewed   time.Time     `json:"renewed"`
	Duration  time.Duration `json:"duration"`
}

// Expires is when the lock lapses unless renewed again.
func (i Info) Expires() time.Time { return i.Renewed.Add(i.Duration) }

// Held reports whether the lock is held at now: it has a holder and its
// last renewal is younger than its duration.
func (i Info) Held(now time.Time) bool {
	return i.Holder != "" && now.Before(i.Expires())
}

// String names the holder for refusal messages.
func (i Info) String() string {
	user := i.User
	if user == "" {
		user = i.Holder
	}
	s := fmt.Sprintf("%s (%s", user, orUnknown(i.Operation))
	if i.Host != "" {
		s += fmt.Sprintf(" on %s pid %d", i.Host, i.PID)
	}
	return s + ")"
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown operation"
	}
	return s
}

// InfoOf reads the lock fields of a Lease.
func InfoOf(l *coordv1.Lease) Info {
	i := Info{Duration: defaultDuration}
	if l == nil {
		return i
	}
	if l.Spec.HolderIdentity != nil {
		i.Holder = *l.Spec.HolderIdentity
	}
	if l.Spec.LeaseDurationSeconds != nil {
		i.Duration = time.Duration(*l.Spec.LeaseDurationSeconds) * time.Second
	}
	if l.Spec.AcquireTime != nil {
		i.Since = l.Spec.AcquireTime.Time
	}
	i.Renewed = i.Since
	if l.Spec.RenewTime != nil {
		i.Renewed = l.Spec.RenewTime.Time
	}
	a := l.Annotations
	i.User, i.Operation, i.Host = a[AnnotationUser], a[AnnotationOp], a[AnnotationHost]
	i.PID, _ = strconv.Atoi(a[AnnotationPID])
	return i
}

// Action is what Decide chose.
type Action int

// The decisions of Decide.
const (
	Create   Action = iota // no Lease: create one
	TakeOver               // released or expired: update it, preconditioned on its resourceVersion
	Refuse                 // held by someone else
)

// Decide chooses, from the Lease read (nil when absent) and the clock,
// whether to create it, take it over or refuse.
func Decide(l *coordv1.Lease, now time.Time) Action {
	if l == nil {
		return Create
	}
	if InfoOf(l).Held(now) {
		return Refuse
	}
	return TakeOver
}

// stamp writes our holder fields into l (a fresh or a taken-over Lease).
func stamp(l *coordv1.Lease, me Info, now time.Time) {
	if l.Labels == nil {
		l.Labels = map[string]string{}
	}
	if l.Annotations == nil {
		l.Annotations = map[string]string{}
	}
	l.Labels[LabelManagedBy] = managedByStella
	l.Annotations[AnnotationUser] = me.User
	l.Annotations[AnnotationOp] = me.Operation
	l.Annotations[AnnotationHost] = me.Host
	l.Annotations[AnnotationPID] = strconv.Itoa(me.PID)
	secs := int32(me.Duration / time.Second)
	t := metav1.NewMicroTime(now)
	holder := me.Holder
	l.Spec.HolderIdentity = &holder
	l.Spec.LeaseDurationSeconds = &secs
	l.Spec.AcquireTime = &t
	l.Spec.RenewTime = &t
	transitions := int32(1)
	if l.Spec.LeaseTransitions != nil {
		transitions = *l.Spec.LeaseTransitions + 1
	}
	l.Spec.LeaseTransitions = &transitions
}
