package align

import (
	"context"
	"os"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// proveFix reads every target again from disk, as Helm (chartutil) and
// compose-go read it, after the write: a fixed reference that is not the
// pinned digest restores every written file and fails (exit 2) naming the
// component. On success the runs' targets and findings are the new ones.
func proveFix(ctx context.Context, runs []*run, writes []fileWrite) error {
	if len(writes) == 0 {
		return nil
	}
	fixed := map[*run][]*target{}
	for _, r := range runs {
		for _, t := range r.loaded {
			data, err := os.ReadFile(t.path)
			if err != nil {
				restore(writes)
				return exit.Failed("fix %s: cannot read it back (%v); every file restored", t.path, err)
			}
			next := &target{path: t.path, kind: t.kind, asHelm: true}
			if _, err := next.parse(ctx, data, t.envFiles); err != nil {
				restore(writes)
				return exit.Failed("fix %s: Helm or compose cannot read the written file (%v); every file restored", t.path, err)
			}
			idx, _ := r.manifest.Index(r.match)
			for _, f := range r.checkTarget(next.path, next.occ, idx, "") {
				if f.Status == Mismatch || f.Status == Unpinned {
					restore(writes)
					return exit.Failed("fix %s:%d: %s reads %s after the write, not the pinned %s; every file restored",
						f.File, f.Line, f.Component, f.Image, f.Expected)
				}
			}
			fixed[r] = append(fixed[r], next)
		}
	}
	for r, ts := range fixed {
		for i, t := range ts {
			*r.loaded[i] = *t
		}
		r.findings = r.check()
	}
	return nil
}
