package version

import (
	"fmt"
	"io"

	"github.com/stella-ops/stella-plugins/pkg/output"
)

// Render writes the build information of binary in format f.
func Render(w io.Writer, f output.Format, binary string) error {
	info := Get()
	if f != output.Table {
		return output.Structured(w, f, info)
	}
	_, err := fmt.Fprintf(w, "%s %s (commit %s, %s, %s)\n", binary, info.Version, info.GitCommit, info.GoVersion, info.Platform)
	return err
}
