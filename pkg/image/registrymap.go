package image

import (
	"fmt"
	"strings"
)

// Rule rewrites a reference whose repository starts with From (a registry
// host, or host/path prefix) to start with To instead.
type Rule struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// RegistryMap is an ordered list of rewrite rules; the first that applies wins.
type RegistryMap []Rule

// ParseRegistryMap parses FROM=TO specs as given to --registry-map.
func ParseRegistryMap(specs []string) (RegistryMap, error) {
	m := make(RegistryMap, 0, len(specs))
	for _, s := range specs {
		from, to, ok := strings.Cut(s, "=")
		from, to = strings.TrimSuffix(strings.TrimSpace(from), "/"), strings.TrimSuffix(strings.TrimSpace(to), "/")
		if !ok || from == "" || to == "" {
			return nil, fmt.Errorf("invalid registry map %q (want FROM=TO)", s)
		}
		m = append(m, Rule{From: from, To: to})
	}
	return m, nil
}

// Apply rewrites r by the first rule whose From prefixes its repository at
// a path-segment boundary; r is returned unchanged when none applies.
func (m RegistryMap) Apply(r Ref) Ref {
	repo := r.Repository()
	for _, rule := range m {
		if repo != rule.From && !strings.HasPrefix(repo, rule.From+"/") {
			continue
		}
		s := rule.To + strings.TrimPrefix(repo, rule.From)
		if r.Tag != "" {
			s += ":" + r.Tag
		}
		if r.Digest != "" {
			s += "@" + r.Digest
		}
		out, err := Parse(s)
		if err != nil {
			return r
		}
		out.Raw = r.Raw
		return out
	}
	return r
}
