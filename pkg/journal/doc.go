// Package journal is the operations journal of promote and safe-rollback:
// append-only records stored in the cluster, in the release's namespace,
// one ConfigMap per entry.
//
// A ConfigMap, not a Secret, because an entry never carries secrets: the
// Entry type has no free-form values field (no Helm values, no rendered
// manifests), and its free-text fields (reason, notes, evidence messages,
// events, log tails, string values of the smoke summary) are redacted of
// secret-looking assignments and tokens before they are stored. Reading the
// journal then needs only ConfigMap read access, which auditors commonly
// have, not Secret access.
//
// Entries are named stella-journal-<UTC start time>-<release>-<nonce>, so
// `kubectl get configmaps` lists them in time order, and labelled
// app.kubernetes.io/managed-by=stella, stella-ops.org/journal-release,
// stella-ops.org/operation and stella-ops.org/outcome. An entry is written
// once when an operation starts (outcome in-progress) and updated once to
// its final outcome; a final entry is an immutable ConfigMap, so the API
// server itself refuses to rewrite it.
//
// Markdown renders entries as rows of the runbook's §6 drill-log table.
package journal
