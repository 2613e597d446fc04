package main

import (
	"path/filepath"
	"strings"
)

// completeArgs turns a start under the name plugin.complete into a
// __complete call: Helm runs <plugin dir>/plugin.complete with the words
// typed after "stella" for dynamic completion, and on Windows that file
// cannot be a shell script, so scripts/install.ps1 copies helm-stella.exe
// there. Under any other name the arguments are returned unchanged.
func completeArgs(argv0 string, args []string) []string {
	name := strings.TrimSuffix(filepath.Base(strings.ReplaceAll(argv0, `\`, "/")), ".exe")
	if !strings.EqualFold(name, "plugin.complete") {
		return args
	}
	return append([]string{"__complete"}, args...)
}
