// Command helm-stella is the entry of the Helm plugin of Stella Ops'
// deployment runbook. It answers one case itself: an `offline-kit images`
// rerun whose kit is already current (pkg/kitdir.Current), which it reads
// from local files without starting the Helm SDK. Every other invocation it
// hands, arguments and environment unchanged, to helm-stella-core next to it
// (helm-stella/core: the cobra tree of align, promote, safe-rollback, …).
// docs/offline-kit.md ("Reruns") says why there are two binaries.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/spf13/pflag"

	"github.com/stella-ops/stella-plugins/pkg/kitdir"
)

// coreName is the binary every other invocation runs.
const coreName = "helm-stella-core"

func main() {
	if code, ok := rerun(os.Args[1:], os.Stdout, os.Stderr); ok {
		os.Exit(code)
	}
	self, err := os.Executable()
	if err == nil {
		core := filepath.Join(filepath.Dir(self), coreName)
		if runtime.GOOS == "windows" {
			core += ".exe"
		}
		err = handOver(core, os.Args)
	}
	fmt.Fprintf(os.Stderr, "Error: %v (reinstall the plugin: helm plugin update stella)\n", err)
	os.Exit(1)
}

// rerun answers `offline-kit images` from the kit when the kit is current
// and the invocation asks for nothing that check does not cover: only the
// flags of kitdir.BindFlags, --plain-http, and a table output. ok is false
// for anything else, and for a kit that is not current: the core then runs
// it in full (and validates it, with its own errors and exit codes).
func rerun(args []string, stdout, stderr io.Writer) (code int, ok bool) {
	if len(args) < 2 || args[0] != "offline-kit" || args[1] != "images" {
		return 0, false
	}
	fl := pflag.NewFlagSet("images", pflag.ContinueOnError)
	fl.SetOutput(io.Discard)
	fl.Usage = func() {}
	var r kitdir.Request
	kitdir.BindFlags(fl, &r)
	out := fl.StringP("output", "o", "table", "")
	fl.Bool("plain-http", false, "")
	if fl.Parse(args[2:]) != nil || fl.NArg() > 0 || (*out != "table" && *out != "wide") || r.Channel == "" || r.KitDir == "" {
		return 0, false
	}
	m, _ := kitdir.Current(r)
	if m == nil {
		return 0, false
	}
	res := &kitdir.ImagesResult{Manifest: m}
	for _, img := range m.Images {
		res.Present = append(res.Present, img.Component)
	}
	sort.Strings(res.Present)
	fmt.Fprintf(stderr, "offline-kit images: %s is current (%d image(s), %d file(s) unchanged): nothing to copy\n",
		r.KitDir, len(m.Images), len(m.Files))
	if err := kitdir.WriteImagesTable(stdout, res); err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return 1, true
	}
	return 0, true
}
