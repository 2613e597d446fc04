// Command dist packages the cross-compiled binaries in dist/build/<os>_<arch>/
// into reproducible release archives (fixed mtimes, owners and order), the
// Helm plugin tarballs (each a complete plugin dir), SHA256SUMS and the krew
// manifest rendered from krew/stella.yaml.tmpl. Run by `make dist`. Given a
// signing key (-sign-key/-sign-name or STELLA_SIGN_KEY/STELLA_SIGN_NAME) it
// also writes a Helm provenance file (.prov) beside each plugin tarball and
// the public keyring stella-plugins.gpg that verifies them.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	version := flag.String("version", "", "release version (plugin.yaml's)")
	platforms := flag.String("platforms", "", "space-separated os/arch list")
	dir := flag.String("dist", "dist", "dist directory")
	epoch := flag.Int64("epoch", 0, "mtime of every archived file (unix seconds)")
	baseURL := flag.String("base-url", "", "download base URL of the archives")
	signKey := flag.String("sign-key", os.Getenv("STELLA_SIGN_KEY"), "binary OpenPGP keyring holding the signing key (empty: no .prov files)")
	signName := flag.String("sign-name", os.Getenv("STELLA_SIGN_NAME"), "name or email of the signing key in -sign-key")
	signPass := flag.String("sign-passphrase-file", os.Getenv("STELLA_SIGN_PASSPHRASE_FILE"), "file holding the signing key's passphrase")
	flag.Parse()
	if *version == "" || *platforms == "" {
		fmt.Fprintln(os.Stderr, "Error: -version and -platforms are required")
		os.Exit(4)
	}
	if *baseURL == "" {
		*baseURL = "https://github.com/stella-ops/stella-plugins/releases/download/v" + *version
	}
	sig, err := newSigner(*signKey, *signName, *signPass)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(4)
	}
	p := packager{version: *version, dist: *dir, mtime: time.Unix(*epoch, 0).UTC(), baseURL: *baseURL, signer: sig}
	if err := p.run(strings.Fields(*platforms)); err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
}

type packager struct {
	version, dist, baseURL string
	mtime                  time.Time
	signer                 *signer  // nil: unsigned
	sums                   []string // "sha256  name" lines
}

func (p *packager) run(platforms []string) error {
	var krew []krewPlatform
	for _, pl := range platforms {
		goos, arch, ok := strings.Cut(pl, "/")
		if !ok {
			return fmt.Errorf("platform %q: want os/arch", pl)
		}
		ext := ""
		if goos == "windows" {
			ext = ".exe"
		}
		build := filepath.Join(p.dist, "build", goos+"_"+arch)
		kp, err := p.kubectlArchive(build, goos, arch, ext)
		if err != nil {
			return err
		}
		krew = append(krew, kp)
		if err := p.helmArchive(build, goos, arch, ext); err != nil {
			return err
		}
	}
	if err := writeSums(filepath.Join(p.dist, "SHA256SUMS"), p.sums); err != nil {
		return err
	}
	if p.signer != nil {
		if err := p.signer.publishKey(p.dist); err != nil {
			return err
		}
	}
	return renderKrew("krew/stella.yaml.tmpl", "krew/stella.yaml", p.version, p.baseURL, krew)
}
