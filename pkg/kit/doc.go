// Package kit builds, verifies and pushes the offline kit of a channel:
// every image its release manifest pins, copied by digest into an OCI image
// layout (images/), the channel's release manifest, values, compose files
// and packaged chart, and metadata/kit.json recording what was copied
// (component, reference, digest, size, sha256 of every file). Copying is
// resumable: a blob already in the layout is never fetched again, and an
// image whose blobs are all present costs no request at all. Verify
// re-hashes everything against kit.json and debug-store.json; Push writes
// the images to a site's mirror registry, preserving their digests.
package kit
