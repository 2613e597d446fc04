package image

import (
	"fmt"
	"strings"
)

// Match says how a target's reference is matched to a manifest pin.
type Match string

// The matching modes of --match.
const (
	ByName       Match = "name"       // last path segment: a mirror registry still matches
	ByRepository Match = "repository" // registry/path after registry-map rewrites
)

// ParseMatch validates a --match value; empty means ByName.
func ParseMatch(s string) (Match, error) {
	switch Match(s) {
	case "", ByName:
		return ByName, nil
	case ByRepository:
		return ByRepository, nil
	}
	return "", fmt.Errorf("unknown match mode %q (want name|repository)", s)
}

// Key is the component key of r under mode m.
func (m Match) Key(r Ref) string {
	if m == ByRepository {
		return r.Repository()
	}
	return r.Name()
}

// Matches reports whether pattern names r: a bare name matches the last
// path segment, anything with a slash matches the path or the repository.
func Matches(pattern string, r Ref) bool {
	pattern = strings.TrimSuffix(pattern, "/")
	if pattern == "" {
		return false
	}
	if !strings.Contains(pattern, "/") {
		return pattern == r.Name()
	}
	return pattern == r.Path || pattern == r.Repository() || strings.HasSuffix(r.Repository(), "/"+pattern)
}
