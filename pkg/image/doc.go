// Package image parses container image references with
// github.com/distribution/reference and decides when two references name the
// same component: by name (the last path segment, so a mirror registry still
// matches) or by repository (registry and path, after registry-map rewrites).
package image
