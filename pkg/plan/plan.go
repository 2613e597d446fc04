package plan

import (
	"fmt"
	"sort"

	"github.com/stella-ops/stella-plugins/pkg/image"
)

// Masked replaces every secret-looking value in a Plan.
const Masked = "(masked)"

// Input is one side of a change, as read from a Helm release.
type Input struct {
	Revision     int
	Chart        string
	ChartVersion string
	AppVersion   string
	// Manifest is the rendered manifest (multi-document YAML).
	Manifest string
	// Values are the user-supplied values (release.Config).
	Values map[string]any
}

// Side is one side of a Plan.
type Side struct {
	Revision     int    `json:"revision,omitempty"`
	Chart        string `json:"chart,omitempty"`
	ChartVersion string `json:"chartVersion,omitempty"`
	AppVersion   string `json:"appVersion,omitempty"`
	// Images maps Kind/name/container to the image reference it runs.
	Images map[string]string `json:"images,omitempty"`
}

// Image is one workload container's image from → to.
type Image struct {
	Workload   string `json:"workload"` // Kind/name/container
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
	FromDigest string `json:"fromDigest,omitempty"`
	ToDigest   string `json:"toDigest,omitempty"`
	Changed    bool   `json:"changed"`
}

// Value is one changed user value, by dotted path; secret-looking values
// are Masked.
type Value struct {
	Path   string `json:"path"`
	Change string `json:"change"` // added, removed, changed
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Masked bool   `json:"masked,omitempty"`
}

// Plan is the from → to of a change. It holds no secret value.
type Plan struct {
	From   Side    `json:"from"`
	To     Side    `json:"to"`
	Images []Image `json:"images"`
	Values []Value `json:"values"`
	// Errors are manifest documents that could not be parsed (no content).
	Errors []string `json:"errors,omitempty"`
}

// Compute is the pure plan from → to.
func Compute(from, to Input) Plan {
	fi, ferr := Images(from.Manifest)
	ti, terr := Images(to.Manifest)
	p := Plan{From: side(from, fi), To: side(to, ti), Images: imageDiff(fi, ti), Values: Diff(from.Values, to.Values)}
	for _, e := range append(ferr, terr...) {
		p.Errors = append(p.Errors, e.Error())
	}
	return p
}

func side(in Input, images map[string]string) Side {
	return Side{Revision: in.Revision, Chart: in.Chart, ChartVersion: in.ChartVersion, AppVersion: in.AppVersion, Images: images}
}

// imageDiff pairs the workloads of both sides, sorted by workload.
func imageDiff(from, to map[string]string) []Image {
	keys := map[string]bool{}
	for k := range from {
		keys[k] = true
	}
	for k := range to {
		keys[k] = true
	}
	out := make([]Image, 0, len(keys))
	for k := range keys {
		out = append(out, Image{Workload: k, From: from[k], To: to[k],
			FromDigest: image.PinnedDigest(from[k]), ToDigest: image.PinnedDigest(to[k]), Changed: from[k] != to[k]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Workload < out[j].Workload })
	return out
}

// Changed reports whether anything differs between the sides.
func (p Plan) Changed() bool {
	if p.From.Revision != p.To.Revision || p.From.ChartVersion != p.To.ChartVersion || len(p.Values) > 0 {
		return true
	}
	for _, i := range p.Images {
		if i.Changed {
			return true
		}
	}
	return false
}

// Unpinned lists the to-side workloads whose image is not pinned by digest.
func (p Plan) Unpinned() []string {
	var out []string
	for _, i := range p.Images {
		if i.To != "" && i.ToDigest == "" {
			out = append(out, fmt.Sprintf("%s (%s)", i.Workload, i.To))
		}
	}
	return out
}
