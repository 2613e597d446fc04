// Package kitdir is the offline kit on disk: metadata/kit.json, the OCI
// image layout under images/ (blob paths, the walk from a root manifest to
// every blob it references, index.json), and Current, the check that a kit
// already holds what an `offline-kit images` run would leave in it.
//
// It links nothing heavier than go-containerregistry's v1 types: the
// helm-stella entry binary answers an images rerun with nothing new from
// here, without starting the Helm SDK (docs/offline-kit.md, "Reruns").
// pkg/kit, which copies and packages, builds on the same functions.
package kitdir
