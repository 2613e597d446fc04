// Package plan computes the pure "from → to" plan of a release change, shared
// by safe-rollback and promote: revision, chart version, per-workload image
// references and digests parsed from the rendered manifests, and a diff of
// the user-supplied values in which every secret-looking value is masked.
//
// A Plan never holds a secret value: values under a key that looks like a
// secret (password, secret, token, key, credential, certificate …) or under
// a "secrets" map are replaced by Masked before they enter the Plan.
package plan
