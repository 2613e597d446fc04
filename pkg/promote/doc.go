// Package promote is the staging → production promotion of a Helm release
// (runbook §3) and the channel promotion workflow (runbook §5).
//
// Promote runs a pure preflight (align findings, pending-* state, lock,
// production gate) that changes nothing, then hands its change to
// pkg/guard, which takes the release's Lease lock, journals, watches the
// lock and classifies the outcome. The change bookmarks the current
// revision, upgrades through the Helm SDK without --atomic and without
// Helm's own wait, waits with the verify-pods engine (fail fast), checks
// running digests against the release manifest and runs the channel's
// smoke suite; on any failure or interrupt the guard rolls back to the
// bookmarked revision (never uninstalls) keeping the evidence. Every run
// that got past the preflight is journaled.
//
// Files is the other operation, promote --files-only (runbook §5): it
// rewrites the deploy tree (point the channel at a new release manifest,
// align --fix, version markers, align --lint, git commit and tag) and
// needs no cluster. Both report progress through output.Reporter.
package promote
