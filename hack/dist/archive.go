package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
	"time"
)

// entry is one file of an archive: its name inside and its source on disk.
type entry struct {
	name, src string
	mode      int64
}

func (p *packager) kubectlArchive(build, goos, arch, ext string) (krewPlatform, error) {
	files := []entry{
		{"kubectl-stella" + ext, filepath.Join(build, "kubectl-stella"+ext), 0o755},
		{"kubectl_complete-stella", "scripts/kubectl_complete-stella", 0o755},
		{"LICENSE", "LICENSE", 0o644},
		{"README.md", "README.md", 0o644},
	}
	name := fmt.Sprintf("kubectl-stella_v%s_%s_%s", p.version, goos, arch)
	if goos == "windows" {
		name += ".zip"
	} else {
		name += ".tar.gz"
	}
	sum, err := p.write(name, files, goos == "windows")
	return krewPlatform{OS: goos, Arch: arch, Archive: name, SHA256: sum, Ext: ext}, err
}

// helmArchive writes the Helm plugin tarballs, each a complete plugin dir.
// Helm derives the plugin dir name from the archive name (up to the
// "-<digit>" of the version), so both are named stella-<version>-…:
//   - stella-<v>-<os>-<arch>.tgz holds one top folder stella/ (what Helm 4
//     installs from a local path, and what install.sh downloads);
//   - stella-<v>-<os>-<arch>-flat.tgz holds the plugin at its root (what
//     Helm 3 installs from a URL: it looks for plugin.yaml at the root).
func (p *packager) helmArchive(build, goos, arch, ext string) error {
	files := []entry{
		{"plugin.yaml", "plugin.yaml", 0o644},
		{"plugin.complete", "plugin.complete", 0o755},
		{"bin/helm-stella" + ext, filepath.Join(build, "helm-stella"+ext), 0o755},
		{"bin/helm-stella-core" + ext, filepath.Join(build, "helm-stella-core"+ext), 0o755},
		{"scripts/install.sh", "scripts/install.sh", 0o755},
		{"scripts/install.ps1", "scripts/install.ps1", 0o644},
		{"LICENSE", "LICENSE", 0o644},
		{"README.md", "README.md", 0o644},
	}
	base := fmt.Sprintf("stella-%s-%s-%s", p.version, goos, arch)
	if _, err := p.write(base+"-flat.tgz", append([]entry(nil), files...), false); err != nil {
		return err
	}
	nested := make([]entry, len(files))
	for i, f := range files {
		nested[i] = entry{"stella/" + f.name, f.src, f.mode}
	}
	if _, err := p.write(base+".tgz", nested, false); err != nil {
		return err
	}
	if p.signer == nil {
		return nil
	}
	for _, name := range []string{base + "-flat.tgz", base + ".tgz"} {
		if err := p.signer.sign(filepath.Join(p.dist, name), "stella", p.version); err != nil {
			return err
		}
	}
	return nil
}

// write builds the archive in memory, writes it and records its checksum.
func (p *packager) write(name string, files []entry, asZip bool) (string, error) {
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	var buf bytes.Buffer
	var err error
	if asZip {
		err = writeZip(&buf, files, p.mtime)
	} else {
		err = writeTarGz(&buf, files, p.mtime)
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if err := os.WriteFile(filepath.Join(p.dist, name), buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	sum := fmt.Sprintf("%x", sha256.Sum256(buf.Bytes()))
	p.sums = append(p.sums, sum+"  "+name)
	return sum, nil
}

func writeTarGz(buf *bytes.Buffer, files []entry, mtime time.Time) error {
	gz, _ := gzip.NewWriterLevel(buf, gzip.BestCompression) // no name, no mtime in the header
	tw := tar.NewWriter(gz)
	dirs := map[string]bool{}
	for _, f := range files {
		for d := filepath.Dir(f.name); d != "." && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	names := make([]string, 0, len(dirs))
	for d := range dirs {
		names = append(names, d)
	}
	sort.Strings(names)
	for _, d := range names {
		hdr := &tar.Header{Name: d + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f.src)
		if err != nil {
			return err
		}
		hdr := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(b)), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(b); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(buf *bytes.Buffer, files []entry, mtime time.Time) error {
	zw := zip.NewWriter(buf)
	for _, f := range files {
		b, err := os.ReadFile(f.src)
		if err != nil {
			return err
		}
		hdr := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: mtime}
		hdr.SetMode(fs.FileMode(f.mode))
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return zw.Close()
}

func writeSums(path string, sums []string) error {
	sort.Slice(sums, func(i, j int) bool { return sums[i][66:] < sums[j][66:] })
	return os.WriteFile(path, []byte(strings.Join(sums, "\n")+"\n"), 0o644)
}

type krewPlatform struct{ OS, Arch, Archive, SHA256, Ext string }

func renderKrew(tmplPath, out, version, baseURL string, platforms []krewPlatform) error {
	t, err := template.ParseFiles(tmplPath)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	data := struct {
		Version, BaseURL string
		Platforms        []krewPlatform
	}{version, baseURL, platforms}
	if err := t.Execute(&b, data); err != nil {
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}
