package align

import (
	"path/filepath"

	"github.com/stella-ops/stella-plugins/pkg/values"
)

// merge makes the loaded values files one target: the -f files of one Helm
// install, merged in Helm's order (Layered). Each image is located in the
// last file that writes the value at fault; the channel's notDeployed rules
// of the first (the channel's own) file apply.
func (r *run) merge() error {
	var files []*values.File
	var paths []string
	for _, t := range r.loaded {
		files = append(files, t.files...)
		paths = append(paths, t.path)
	}
	m, err := values.Merge(values.Layers(paths), files)
	if err != nil {
		return err
	}
	t := &target{path: m.Path, kind: "values", files: files, vals: m.Values}
	for i, img := range m.Images {
		t.occ = append(t.occ, &occurrence{ref: img.Ref, file: img.File, line: img.Line, key: img.Key, idx: i})
	}
	r.loaded, r.base = []*target{t}, paths[0]
	return nil
}

// blame names, on each rendered finding, the values file and line its image
// comes from: the last of the chart's values.yaml and files (Helm's order)
// that writes the value at fault. A finding whose image no values file
// writes (a template's literal) keeps its template location only.
func blame(fs []Finding, chart string, files []*values.File) []Finding {
	layers := files
	if def, err := values.Load(filepath.Join(chart, "values.yaml")); err == nil {
		layers = append([]*values.File{def}, files...)
	}
	m, err := values.Merge("", layers)
	if err != nil {
		return fs
	}
	for i := range fs {
		if fs[i].occ == nil {
			continue
		}
		if img, ok := source(m.Images, fs[i].occ.ref.String(), fs[i].occ.ref.Digest, fs[i].occ.ref.Repository()); ok {
			fs[i].ValuesFile, fs[i].ValuesLine = img.File, img.Line
		}
	}
	return fs
}

// source finds the values image a rendered reference came from: the same
// reference, else the same digest, else the same repository.
func source(imgs []values.Image, ref, digest, repo string) (values.Image, bool) {
	match := []func(values.Image) bool{
		func(i values.Image) bool { return i.Ref.String() == ref },
		func(i values.Image) bool { return digest != "" && i.Ref.Digest == digest },
		func(i values.Image) bool { return i.Ref.Repository() == repo },
	}
	for _, m := range match {
		for _, i := range imgs {
			if m(i) {
				return i, true
			}
		}
	}
	return values.Image{}, false
}
