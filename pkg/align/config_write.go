package align

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// withConfig adds the channels file's new content (ConfigData) to the
// writes, first, and refuses to write anything if, with every fix applied,
// a finding --fix cannot fix remains (the tree would point at a manifest
// its files do not follow). Targets are restored after the check.
func (a *Align) withConfig(runs []*run, plans []*fixPlan, writes []fileWrite, res *Result) ([]fileWrite, error) {
	saved := make([]target, len(plans))
	for i, p := range plans {
		saved[i] = *p.target
		*p.target = *p.next
	}
	left := 0
	for _, r := range runs {
		for _, f := range r.check() {
			if f.Status.Problem() {
				left++
			}
		}
	}
	for i, p := range plans {
		*p.target = saved[i]
	}
	if left > 0 {
		return nil, exit.Failed("align after --fix: %d finding(s) --fix cannot fix; nothing written", left)
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
