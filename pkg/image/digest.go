package image

import "strings"

// PinnedDigest is the sha256 digest of an image reference pinned by digest
// ("repo[:tag]@sha256:…"), else "". It does not validate the reference.
func PinnedDigest(ref string) string { return digestOf(ref, false) }

// RunningDigest is the digest of a container status' imageID
// ("repo@sha256:…", optionally "docker-pullable://"-prefixed, or a bare
// "sha256:…"), else "".
func RunningDigest(imageID string) string { return digestOf(imageID, true) }

// digestOf returns what follows the last '@' of s. A reference (id false)
// counts only a sha256 digest; a container status' imageID (id true) keeps
// any algorithm and may be the bare digest itself.
func digestOf(s string, id bool) string {
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		if d := s[i+1:]; id || strings.HasPrefix(d, "sha256:") {
			return d
		}
		return ""
	}
	if id && strings.HasPrefix(s, "sha256:") {
		return s
	}
	return ""
}
