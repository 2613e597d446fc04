package yamlpos

import (
	"fmt"
	"sort"
)

// Edit replaces data[Start:End] with Text (an insertion when Start == End).
type Edit struct {
	Start, End int
	Text       string
}

// Replace returns the smallest edit that turns old, found at offset start,
// into new: common prefix and suffix are left alone, so a diff shows only
// the characters that changed.
func Replace(start int, old, new string) Edit {
	p := 0
	for p < len(old) && p < len(new) && old[p] == new[p] {
		p++
	}
	s := 0
	for s < len(old)-p && s < len(new)-p && old[len(old)-1-s] == new[len(new)-1-s] {
		s++
	}
	return Edit{Start: start + p, End: start + len(old) - s, Text: new[p : len(new)-s]}
}

// Apply applies non-overlapping edits to data and returns the new bytes;
// data is not modified.
func Apply(data []byte, edits []Edit) ([]byte, error) {
	es := append([]Edit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Start < es[j].Start })
	out := make([]byte, 0, len(data)+64)
	at := 0
	for _, e := range es {
		if e.Start < at || e.End < e.Start || e.End > len(data) {
			return nil, fmt.Errorf("overlapping or out-of-range edit at byte %d", e.Start)
		}
		out = append(out, data[at:e.Start]...)
		out = append(out, e.Text...)
		at = e.End
	}
	return append(out, data[at:]...), nil
}
