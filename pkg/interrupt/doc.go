// Package interrupt turns SIGINT/SIGTERM into two contexts for commands
// that change something (they call Hold first): the first signal
// cancels the operation's context (stop waiting, roll back, release the
// lock); a second signal cancels the abort context (stop the rollback too,
// journal "interrupted"). A third one exits at once with code 130.
//
// A read-only command (align without --fix, verify-pods, bookmark list,
// journal) does not call Hold: the first signal exits at once with code 130,
// as the user expects of Ctrl-C.
package interrupt
