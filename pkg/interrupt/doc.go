// Package interrupt turns SIGINT/SIGTERM into two contexts: the first signal
// cancels the operation's context (stop waiting, roll back, release the
// lock); a second signal cancels the abort context (stop the rollback too,
// journal "interrupted"). A third one exits at once with code 130.
package interrupt
