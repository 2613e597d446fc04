// Package manifest reads release manifests: the Stella Ops schema
// (docs/release-manifest.md: release{version, channel, date}, components[],
// infrastructure{}) and foreign manifests, in which every string that parses
// as a digest-pinned image reference is a pin keyed by its repository.
package manifest
