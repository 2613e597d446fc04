// Package gitstate records the deploy checkout's git state for a bookmark:
// `git describe --tags --always --dirty` and the HEAD SHA, read through the
// git CLI, or a note saying why there is none (not a repository, no git).
package gitstate
