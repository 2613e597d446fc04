// Package gitstate reads and records the deploy checkout's git state
// through the git CLI: for a bookmark, `git describe --tags --always
// --dirty` and the HEAD SHA, or a note saying why there is none (not a
// repository, no git); for promote --files-only, the work tree's status,
// tags, and the commit and tag of a promotion.
package gitstate
