package version

import "runtime"

// Set by the linker; the defaults mark a build that bypassed the Makefile.
var (
	Version = "0.0.0-dev"
	Commit  = "unknown"
)

// Info is what `version` reports.
type Info struct {
	Version   string `json:"version" yaml:"version"`
	GitCommit string `json:"gitCommit" yaml:"gitCommit"`
	GoVersion string `json:"goVersion" yaml:"goVersion"`
	Platform  string `json:"platform" yaml:"platform"`
}

// Get returns the build's version information.
func Get() Info {
	return Info{
		Version:   Version,
		GitCommit: Commit,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
}
