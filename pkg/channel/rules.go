package channel

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/image"
)

// Rule is one compatibility-matrix entry: the tags a component may carry
// (path.Match globs, e.g. "7.0.*") and the digests it must be pinned to
// (bare "sha256:…" or "repo@sha256:…"). An empty list allows anything.
type Rule struct {
	AllowedTags []string `yaml:"allowedTags" json:"allowedTags,omitempty"`
	Pins        []string `yaml:"pins" json:"pins,omitempty"`
}

// Check returns the broken rule as text, or "" when ref complies.
func (r Rule) Check(ref image.Ref) string {
	if len(r.AllowedTags) > 0 && !slices.ContainsFunc(r.AllowedTags, func(p string) bool { ok, _ := path.Match(p, ref.Tag); return ok }) {
		return fmt.Sprintf("tag %q not in allowedTags [%s]", ref.Tag, strings.Join(r.AllowedTags, ", "))
	}
	if len(r.Pins) > 0 && !slices.ContainsFunc(r.Pins, func(p string) bool { return pinDigest(p) == ref.Digest }) {
		return fmt.Sprintf("digest %s not in pins [%s]", ref.Digest, strings.Join(r.Pins, ", "))
	}
	return ""
}

func pinDigest(p string) string {
	if i := strings.LastIndexByte(p, '@'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func (r Rule) validate() error {
	for _, p := range r.AllowedTags {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("allowedTags %q: %w", p, err)
		}
	}
	for _, p := range r.Pins {
		if err := image.ValidDigest(pinDigest(p)); err != nil {
			return fmt.Errorf("pins: %w", err)
		}
	}
	return nil
}
