// Package guard is the one core of a guarded release change, shared by
// promote and safe-rollback: take the release's Lease lock, close journal
// entries orphaned by runs that ended without an outcome, append an
// in-progress journal entry, run the change while watching the lock (a lost
// lock cancels the change), roll back through the Helm SDK after a failure
// when the change asks for it (abortable by a second interrupt, bounded),
// classify the outcome once (Classify, a pure table-tested function),
// finish the journal entry, apply the journal retention and release the
// lock, whatever happened.
//
// It is shaped like Helm's pkg/action: New(cfg) on the injected
// configuration, exported options, Run(ctx, change). An operation plugs in
// its own decision (done before Run) and its own Change: the entry it
// journals (Begin), the change itself (Apply), the revision to return to
// after a failure (Undo) and what it adds to the final entry (End).
package guard
