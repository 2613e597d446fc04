// Package retention holds the pure rules that decide which retention
// applies to promote's and safe-rollback's own objects (journal entries,
// automatic bookmarks): a built-in default, overridden field by field by
// the channels file (top level, then the channel) and by flags, each
// setting remembered with where it came from so the result can say why
// something was removed. It never talks to the cluster.
package retention
