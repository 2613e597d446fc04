package version

import (
	"fmt"
	"io"

	"github.com/stella-ops/stella-plugins/pkg/output"
)

// Kind is the kind of the version commands' structured result.
const Kind = "Version"

// Render writes the build information of binary in format f.
func Render(w io.Writer, f output.Format, binary string) error {
	info := Get()
	if !f.IsTable() {
		return output.Print(w, f, output.Result{Kind: Kind, Value: info, Names: []string{output.Name(Kind, info.Version)}})
	}
	_, err := fmt.Fprintf(w, "%s %s (commit %s, %s, %s)\n", binary, info.Version, info.GitCommit, info.GoVersion, info.Platform)
	return err
}
