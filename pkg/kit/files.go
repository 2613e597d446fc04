package kit

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"

	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kitdir"
)

// channelFiles lists what the kit carries of a channel besides images:
// its release manifest, values, compose files with their env files, and
// its chart (packaged on copy). A missing file is invalid input.
func channelFiles(ch *channel.Channel) ([]FileRec, error) {
	var out []FileRec
	add := func(role, dir, src string) {
		out = append(out, FileRec{Role: role, Source: src, Path: dir + "/" + filepath.Base(src)})
	}
	add("release-manifest", "release", ch.Release)
	for _, v := range ch.Values {
		add("values", "values", v)
	}
	for _, c := range ch.Compose {
		add("compose", "compose", c.File)
		for _, e := range c.EnvFiles {
			add("env", "compose/env", e)
		}
	}
	seen := map[string]string{}
	for _, f := range out {
		if st, err := os.Stat(f.Source); err != nil || !st.Mode().IsRegular() {
			return nil, exit.InvalidInput("channel %s: %s: not a readable file", ch.Name, f.Source)
		}
		if other, ok := seen[f.Path]; ok && other != f.Source {
			return nil, exit.InvalidInput("channel %s: %s and %s would both be %s in the kit", ch.Name, other, f.Source, f.Path)
		}
		seen[f.Path] = f.Source
	}
	if ch.Chart != "" {
		if _, err := loader.Load(ch.Chart); err != nil {
			return nil, exit.InvalidInput("channel %s: chart %s: %v", ch.Name, ch.Chart, err)
		}
		out = append(out, FileRec{Role: kitdir.RoleChart, Source: ch.Chart})
	}
	return out, nil
}

// copyFiles copies the channel's files into the kit (each atomically) and
// packages its chart with the Helm SDK, unless the previous kit's archive
// is still current (its chart directory unchanged: packaging again would only
// change the archive's timestamps); it returns their records.
func copyFiles(kitDir string, in *input) ([]FileRec, error) {
	var recs []FileRec
	for _, f := range in.files {
		if f.Role == kitdir.RoleChart {
			rec, err := chartFile(kitDir, in.prev, f)
			if err != nil {
				return nil, err
			}
			recs = append(recs, rec)
			continue
		}
		data, err := os.ReadFile(f.Source)
		if err != nil {
			return nil, fmt.Errorf("kit file %s: %w", f.Source, err)
		}
		f.Size, f.SHA256 = int64(len(data)), fmt.Sprintf("%x", sha256.Sum256(data))
		if f.Role == "release-manifest" && f.SHA256 != in.relSum {
			return nil, fmt.Errorf("kit file %s: the release manifest changed during the run: run again", f.Source)
		}
		if err := writeAtomic(filepath.Join(kitDir, filepath.FromSlash(f.Path)), data); err != nil {
			return nil, fmt.Errorf("kit file %s: %w", f.Path, err)
		}
		recs = append(recs, f)
	}
	return recs, nil
}

// chartFile is the kit's packaged chart: the previous archive when its
// record is still current, else a new package of the directory (its tree
// digest taken first, so an edit during packaging is seen by the next run).
func chartFile(kitDir string, prev *Manifest, f FileRec) (FileRec, error) {
	if prev != nil {
		for _, p := range prev.Files {
			if p.Role == kitdir.RoleChart && p.Source == f.Source && kitdir.FileCurrent(kitDir, p) {
				return p, nil
			}
		}
	}
	f.SourceSHA256 = kitdir.TreeDigest(f.Source)
	var data []byte
	var err error
	if f.Path, data, err = packageChart(kitDir, f.Source); err != nil {
		return f, fmt.Errorf("kit file %s: %w", f.Source, err)
	}
	if err := writeAtomic(filepath.Join(kitDir, filepath.FromSlash(f.Path)), data); err != nil {
		return f, fmt.Errorf("kit file %s: %w", f.Path, err)
	}
	f.Size, f.SHA256 = int64(len(data)), fmt.Sprintf("%x", sha256.Sum256(data))
	return f, nil
}

// packageChart runs helm package into a scratch dir and returns the
// archive's kit path and bytes.
func packageChart(kitDir, chart string) (string, []byte, error) {
	tmp, err := os.MkdirTemp(kitDir, ".stella-chart-")
	if err != nil {
		return "", nil, err
	}
	defer os.RemoveAll(tmp)
	p := action.NewPackage()
	p.Destination = tmp
	out, err := p.Run(chart, nil)
	if err != nil {
		return "", nil, fmt.Errorf("helm package: %w", err)
	}
	data, err := os.ReadFile(out)
	return "charts/" + strings.TrimPrefix(filepath.Base(out), "/"), data, err
}
