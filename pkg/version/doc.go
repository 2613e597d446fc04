// Package version holds the build's version, set once at link time with
// -ldflags "-X .../pkg/version.Version=… -X .../pkg/version.Commit=…".
// The Makefile reads the version from plugin.yaml, the single source shared
// with the krew manifest.
package version
