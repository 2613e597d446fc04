package image

import (
	"fmt"
	"strings"
)

// Repin rewrites the reference text s (which may hold ${VAR} interpolations,
// as compose files do) to pin digest: an existing @digest is replaced, else
// one is appended. When tag is not empty and s has a literal tag (no
// variable in it), the tag is replaced as well. A digest that comes from a
// variable cannot be rewritten and is an error.
func Repin(s, digest, tag string) (string, error) {
	name, old, hasDigest := cutLast(s, "@")
	if hasDigest && strings.ContainsAny(old, "${}") {
		return "", fmt.Errorf("digest of %q comes from a variable; set it where the variable is defined", s)
	}
	if tag != "" {
		slash := strings.LastIndexAny(name, "/}")
		if colon := strings.LastIndexByte(name, ':'); colon > slash && !strings.ContainsAny(name[colon+1:], "${}") {
			name = name[:colon+1] + tag
		}
	}
	return name + "@" + digest, nil
}

// SplitTag splits "1.2@sha256:…" into "1.2" and "sha256:…".
func SplitTag(tag string) (plain, digest string) {
	plain, digest, _ = cutLast(tag, "@")
	return plain, digest
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
