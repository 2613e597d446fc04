package align

import (
	"slices"
	"sort"
)

// collect assembles the Result from the runs.
func (a *Align) collect(runs []*run, res *Result) {
	n := 0
	for _, r := range runs {
		n += len(r.findings)
	}
	res.Findings = make([]Finding, 0, n)
	for _, r := range runs {
		rel := Release{Version: r.manifest.Version, Channel: r.manifest.Channel, File: r.release}
		if rel.Channel == "" {
			rel.Channel = r.channelName()
		}
		ok := !slices.ContainsFunc(r.findings, func(f Finding) bool { return f.Status.Problem() })
		if len(runs) == 1 && !a.AllChannels {
			res.Release = rel
		} else {
			res.Channels = append(res.Channels, ChannelResult{Name: r.channelName(), Release: rel, Aligned: ok, Targets: len(r.loaded)})
		}
		res.Findings = append(res.Findings, r.findings...)
		res.Warnings = append(res.Warnings, r.warnings...)
	}
	sortFindings(res.Findings)
	sort.Strings(res.Warnings)
	res.Warnings = slices.Compact(res.Warnings)
	res.Aligned = res.Problems() == 0
}
