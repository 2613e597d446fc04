// Package helmx is the Helm SDK glue of both plugins: it reads exactly one
// release revision (a given one, or the deployed/latest one) from Helm's
// storage through a label-selected read on the Secret or ConfigMap driver
// (labels owner=helm, name=<release>, version=<n>, status=<status>), never
// decoding the whole history, and lists revisions' metadata (labels only, no
// release payload) for promote and safe-rollback: which revision is
// deployed, which one is pending-*.
//
// The encoding is Helm's own (pkg/storage/driver): base64 of the gzipped
// JSON of release.Release, in the object's "release" data key.
package helmx
