// Package bookmark records a rollback point of a Helm release and keeps it
// where Helm's --history-max pruning cannot reach: a Secret in the release's
// namespace holding the release exactly as Helm stored it (chart, user
// values, rendered manifest), the running digest of every container of the
// release's pods, the deploy checkout's git state, who and when.
//
// Operations follow helm's pkg/action: NewCreate(cfg).Run(ctx, release),
// NewList, NewShow, NewDelete; pure halves (Build, Encode/Decode of the
// Secret, SelectPods, Retention) are separate from the API calls.
// Safe-rollback re-creates the bookmarked revision from Bookmark.Release.
package bookmark
