package guard

import (
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/verify"
)

// Evidence turns verify-pods findings into journal evidence: per finding
// its pod, container, reason, message, events and last log lines (the
// workload's own events once, with its first finding); a workload without
// pod-level findings (a rollout that never progressed) as itself.
func Evidence(r *verify.Result) []journal.Evidence {
	if r == nil {
		return nil
	}
	var out []journal.Evidence
	for _, w := range r.Unhealthy() {
		if len(w.Findings) == 0 {
			out = append(out, journal.Evidence{Pod: w.Kind + "/" + w.Name, Reason: w.Reason, Message: w.Message, Events: w.Events})
			continue
		}
		for i, f := range w.Findings {
			evs := f.Events
			if i == 0 {
				evs = append(append([]string(nil), f.Events...), w.Events...)
			}
			out = append(out, journal.Evidence{Pod: f.Pod, Container: f.Container, Reason: f.Reason,
				Message: f.Message, Events: evs, LogTail: f.Logs})
		}
	}
	return out
}
