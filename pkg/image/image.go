package image

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
)

// Ref is a parsed image reference.
type Ref struct {
	Raw    string `json:"raw"`    // the reference as written
	Domain string `json:"domain"` // registry host, normalized (docker.io when none was written)
	Path   string `json:"path"`   // repository path inside the registry, e.g. library/mongo
	Tag    string `json:"tag,omitempty"`
	Digest string `json:"digest,omitempty"` // algorithm:hex, e.g. sha256:…
}

// Parse parses s as an image reference ([registry/]repo[:tag][@digest]).
// A malformed digest or name is an error naming what is wrong.
func Parse(s string) (Ref, error) {
	if r, ok := memoGet(s); ok {
		return r, nil
	}
	r, err := parse(s)
	if err == nil {
		memoPut(s, r)
	}
	return r, err
}

func parse(s string) (Ref, error) {
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return Ref{}, fmt.Errorf("invalid image reference %q: %w", s, err)
	}
	r := Ref{Raw: s, Domain: reference.Domain(named), Path: reference.Path(named)}
	if t, ok := named.(reference.Tagged); ok {
		r.Tag = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		r.Digest = d.Digest().String()
	}
	return r, nil
}

// ParsePinned parses s and reports whether it is a reference pinned by
// digest; anything else (prose, tags only, invalid digests) is false.
func ParsePinned(s string) (Ref, bool) {
	if !strings.Contains(s, "@") || strings.ContainsAny(s, " \t\n") {
		return Ref{}, false
	}
	r, err := Parse(s)
	if err != nil || r.Digest == "" {
		return Ref{}, false
	}
	return r, true
}

// ValidDigest checks an "algorithm:hex" digest such as sha256:<64 hex>.
func ValidDigest(s string) error {
	if err := digest.Digest(s).Validate(); err != nil {
		return fmt.Errorf("invalid digest %q: %w", s, err)
	}
	return nil
}

// Repository is the normalized registry/path, e.g. docker.io/library/mongo.
func (r Ref) Repository() string { return r.Domain + "/" + r.Path }

// Name is the last path segment, e.g. mongo.
func (r Ref) Name() string {
	if i := strings.LastIndexByte(r.Path, '/'); i >= 0 {
		return r.Path[i+1:]
	}
	return r.Path
}

// Pinned reports whether the reference carries a digest.
func (r Ref) Pinned() bool { return r.Digest != "" }

// String renders the normalized reference registry/path[:tag][@digest].
func (r Ref) String() string {
	s := r.Repository()
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// Short abbreviates a digest for tables: sha256:0123456789ab.
func Short(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}
