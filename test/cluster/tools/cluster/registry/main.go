// Command registry is the reference OCI registry the tests and the real node
// serve on 127.0.0.1: distribution's registry (the release in versions.env,
// its own configuration file and command line), linked with only what those
// configurations use — the filesystem and inmemory storage drivers and
// htpasswd auth. distribution's cmd/registry also links the Azure, GCS and S3
// drivers, the CloudFront middleware, token auth and the pull-through proxy:
// ≈ 500 more packages to compile on a cold machine, none of them reachable
// from a loopback test registry (docs/testing.md).
package main

import (
	"os"

	"github.com/distribution/distribution/v3/registry"
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
)

func main() {
	if err := registry.RootCmd.Execute(); err != nil {
		os.Exit(1)
	}
}
