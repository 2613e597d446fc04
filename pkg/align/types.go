package align

import (
	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
	"github.com/stella-ops/stella-plugins/pkg/values"
)

// Status is the verdict of one finding.
type Status string

// The statuses, problems first in severity order.
const (
	Mismatch     Status = "mismatch"     // pinned to another digest than the manifest's
	Unpinned     Status = "unpinned"     // a tag without digest
	Missing      Status = "missing"      // a manifest component the target does not reference
	Unknown      Status = "unknown"      // a repository the manifest does not pin, not ignored
	Incompatible Status = "incompatible" // the compatibility matrix forbids the manifest's pin
	LintFailed   Status = "lint"         // helm lint / render or compose validation failed
	Aligned      Status = "aligned"
)

var rank = map[Status]int{Mismatch: 0, Unpinned: 1, Missing: 2, Unknown: 3, Incompatible: 4, LintFailed: 5, Aligned: 9}

// Problem reports whether s is drift.
func (s Status) Problem() bool { return s != Aligned }

// Finding is one component of one target.
type Finding struct {
	Channel   string `json:"channel,omitempty"`
	Target    string `json:"target"`
	Component string `json:"component"`
	Status    Status `json:"status"`
	Expected  string `json:"expected,omitempty"` // the manifest's digest
	Found     string `json:"found,omitempty"`    // the target's digest
	Image     string `json:"image,omitempty"`    // the target's reference as resolved
	File      string `json:"file"`
	Line      int    `json:"line"`
	Source    string `json:"source,omitempty"` // "rendered" for images of a --lint render
	// ValuesFile:ValuesLine is where the image's value is written in the
	// values: the last values file in Helm's merge order that writes it
	// (for a rendered image, the chart's values.yaml when no -f file does).
	ValuesFile string `json:"valuesFile,omitempty"`
	ValuesLine int    `json:"valuesLine,omitempty"`
	Message    string `json:"message,omitempty"` // the broken rule, lint output, …

	expectedTag string
	occ         *occurrence
}

// Release names the manifest a result was checked against.
type Release struct {
	Version string `json:"version"`
	Channel string `json:"channel"`
	File    string `json:"file,omitempty"`
}

// ChannelResult summarises one channel of an --all-channels run.
type ChannelResult struct {
	Name    string  `json:"name"`
	Release Release `json:"release"`
	Aligned bool    `json:"aligned"`
	Targets int     `json:"targets"`
}

// Change is one file rewritten (or, with DryRun, to be rewritten) by Fix.
type Change struct {
	File  string `json:"file"`
	Edits int    `json:"edits"`
}

// Result is what Run returns; its JSON shape is stable (fields may be added).
type Result struct {
	Aligned  bool            `json:"aligned"`
	Release  Release         `json:"release"`
	Findings []Finding       `json:"findings"`
	Channels []ChannelResult `json:"channels,omitempty"`
	Warnings []string        `json:"warnings,omitempty"`
	Changes  []Change        `json:"changes,omitempty"`
	Written  bool            `json:"written,omitempty"` // Fix wrote the Changes
	Diff     string          `json:"diff,omitempty"`    // Fix with DryRun: unified diff
}

// Problems counts the findings that are drift.
func (r *Result) Problems() int {
	n := 0
	for _, f := range r.Findings {
		if f.Status.Problem() {
			n++
		}
	}
	return n
}

// occurrence is one image reference of a target; idx is its index in
// the target's parsed file (values images or compose services).
type occurrence struct {
	ref  image.Ref
	file string
	line int
	key  string
	idx  int
}

// pinReq asks for occurrence idx of a target to pin digest (and tag).
type pinReq struct {
	idx         int
	digest, tag string
	owner       string
}

// target is a loaded values or compose file.
type target struct {
	path     string
	kind     string // "values" | "compose"
	envFiles []string
	data     []byte
	occ      []*occurrence
	files    []*values.File // values: the file, or the merged layers
	vals     map[string]any // values: what Helm passes to the chart (nil: read data)
	asHelm   bool           // values: read with Helm's own parser only (the proof of a fix)
	docs     []*yaml.Node   // decoded by load to detect the kind; parse uses them once
	// pinAll plans the edits of every request on this target at once (an
	// anchor shared by several requests is edited once, or refused).
	pinAll func([]pinReq) ([]fileEdits, error)
}

// fileEdits are the edits of one file with the bytes they apply to.
type fileEdits struct {
	path  string
	data  []byte
	edits []yamlpos.Edit
}
