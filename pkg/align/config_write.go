package align

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// withConfig adds the channels file's new content (ConfigData) to the
// writes, first, and refuses to write anything if, with every fix applied,
// a finding --fix cannot fix remains (the tree would point at a manifest
// its files do not follow). Targets are restored after the check.
func (a *Align) withConfig(runs []*run, plans []*fixPlan, writes []fileWrite, res *Result) ([]fileWrite, error) {
	saved := make([]target, len(plans))
	for i, p := range plans {
		if p.target != nil {
			saved[i] = *p.target
			*p.target = *p.next
		}
	}
	var left []string
	for _, r := range runs {
		for _, f := range r.check() {
			if f.Status.Problem() {
				left = append(left, fmt.Sprintf("%s:%d %s %s", f.File, f.Line, f.Component, f.Status))
			}
		}
	}
	for i, p := range plans {
		if p.target != nil {
			*p.target = saved[i]
		}
	}
	if len(left) > 0 {
		sort.Strings(left)
		shown := left[:min(len(left), 3)]
		return nil, exit.Failed("after the fixes %d finding(s) remain that --fix cannot fix (%s%s); nothing written",
			len(left), strings.Join(shown, "; "), map[bool]string{true: "; …"}[len(left) > 3])
	}
	cur, err := os.ReadFile(a.Config)
	if err != nil {
		return nil, exit.InvalidInput("flag --config: %v", err)
	}
	if bytes.Equal(cur, a.ConfigData) {
		return writes, nil
	}
	dest, err := writablePath(a.Config, filepath.Dir(a.Config))
	if err != nil {
		return nil, fmt.Errorf("channels file: %w", err)
	}
	res.Changes = append([]Change{{File: a.Config, Edits: 1}}, res.Changes...)
	return append([]fileWrite{{path: dest, old: cur, new: a.ConfigData}}, writes...), nil
}
