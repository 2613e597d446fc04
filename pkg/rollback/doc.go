// Package rollback is the safe-rollback operation of helm stella, in Helm's
// pkg/action style: New(cfg) with exported options, a pure planning half
// (Decide: target choice and preflight refusals, from facts read once) and
// Run, the side effects run under pkg/guard (lock, journal, lost-lock
// watch, outcome): stuck-release recovery, the rollback through
// the Helm SDK (or the restore of a pruned revision from a bookmark),
// verification with the verify-pods engine, the smoke suite and the journal.
//
// A pruned target is restored as a new revision by action.Upgrade with the
// bookmarked chart and user values (ResetValues, so nothing of the current
// revision leaks in) and the description "stella safe-rollback to bookmark
// NAME": exactly what `helm rollback` does for a revision still in history
// (a new revision with the old chart and config), so `helm history` reads as
// Helm users expect.
package rollback
