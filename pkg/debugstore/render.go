package debugstore

import (
	"fmt"
	"io"

	"github.com/stella-ops/stella-plugins/pkg/output"
)

// MirrorKind is the kind of offline-kit mirror-debug's structured result.
const MirrorKind = "DebugStoreMirrorResult"

// Render writes what mirror-debug did (-o name: debugfile/PATH of each
// file of the store).
func Render(w io.Writer, f output.Format, res *Result) error {
	if !f.IsTable() {
		var files []File
		if res.Store != nil {
			files = res.Store.Files
		}
		names := output.Names("debugfile", files, func(fl File) string { return fl.Path })
		return output.Print(w, f, output.Result{Kind: MirrorKind, Value: res, Names: names})
	}
	state := "written"
	if !res.Written {
		state = "unchanged"
	}
	_, err := fmt.Fprintf(w, "debug store %s: %d file(s), %d copied, %d unchanged, %d removed\n",
		state, len(res.Store.Files), len(res.Copied), len(res.Unchanged), len(res.Removed))
	return err
}
