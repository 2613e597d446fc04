package align

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/lint/support"
	"helm.sh/helm/v3/pkg/release"

	"github.com/stella-ops/stella-plugins/pkg/compose"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/helmlog"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// lint runs helm lint and a client-only render for values targets (the
// rendered images must align too) and compose-go's full validation for
// compose targets. Their own messages become "lint" findings.
func (r *run) lint(ctx context.Context, progress io.Writer) ([]Finding, error) {
	var out []Finding
	for _, t := range r.loaded {
		if t.kind == "compose" {
			for _, msg := range compose.Lint(ctx, t.path, t.envFiles) {
				out = append(out, r.lintFinding(t.path, t.path, 0, msg))
			}
			continue
		}
		if r.chart == "" {
			return nil, exit.InvalidInput("flag --lint: no chart for %s (pass --chart or set chart: in the channel)", t.path)
		}
		fmt.Fprintf(progress, "lint: rendering %s with %s\n", r.chart, t.path)
		fs, err := r.lintValues(ctx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

func (r *run) lintValues(ctx context.Context, t *target) ([]Finding, error) {
	vals := chartutil.Values(t.vals)
	if vals == nil {
		var err error
		if vals, err = chartutil.ReadValues(t.data); err != nil {
			return nil, exit.InvalidInput("%s: %v", t.path, err)
		}
	}
	ch, err := loader.Load(r.chart)
	if err != nil {
		return nil, exit.InvalidInput("chart %s: %v", r.chart, err)
	}
	var lintRes *action.LintResult
	var rel *release.Release
	var renderErr error
	// Helm logs coalesce conflicts through package log (pkg/helmlog): caught
	// here and shown once each as warnings, never as log lines.
	logged, _ := helmlog.Capture(func() error {
		lint := action.NewLint()
		lint.Namespace, lint.KubeVersion = "default", kubeVersion
		lintRes = lint.Run([]string{r.chart}, vals)
		inst := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
		inst.DryRun, inst.ClientOnly, inst.Replace = true, true, true
		inst.ReleaseName, inst.Namespace, inst.KubeVersion = "stella-align", "default", kubeVersion
		rel, renderErr = inst.RunWithContext(ctx, ch, vals)
		return nil
	})
	for _, l := range logged { // lint names keys "CHART.key", the render "key": one message
		l = strings.Replace(l, " "+ch.Name()+".", " ", 1)
		r.warnings = append(r.warnings, fmt.Sprintf("%s: helm: %s", t.path, l))
	}
	out, seen := r.lintMessages(t.path, lintRes.Messages)
	if renderErr != nil { // at the template's file:line; once when helm lint gave the same template error
		file, line := templateAt(r.chart, "", renderErr.Error())
		if seen[fmt.Sprintf("%s:%d", file, line)] {
			return out, nil
		}
		return append(out, r.lintFinding(t.path, file, line, "render: "+renderErr.Error())), nil
	}
	occ, bad := renderedImages(rel, filepath.Dir(r.chart))
	for _, b := range bad {
		out = append(out, r.lintFinding(t.path, b.file, b.line, b.msg))
	}
	idx, _ := r.manifest.Index(r.match)
	return append(out, blame(r.checkTarget(t.path, occ, idx, "rendered"), r.chart, t.files)...), nil
}

// kubeVersion is the Kubernetes version charts are rendered for (Helm's
// client-only default is far older than what charts require today).
var kubeVersion = &chartutil.KubeVersion{Version: "v1.34.0", Major: "1", Minor: "34"}

// lintMessages turns helm lint's errors into findings (each template error
// once, at the template's file:line) and its warnings into warnings.
// The second result holds the template file:lines reported.
func (r *run) lintMessages(target string, msgs []support.Message) ([]Finding, map[string]bool) {
	var out []Finding
	seen := map[string]bool{} // error texts and template file:lines already reported
	for _, m := range msgs {
		if m.Severity >= support.ErrorSev {
			if seen[m.Err.Error()] { // helm lint reports one template error per pass
				continue
			}
			seen[m.Err.Error()] = true
			file, line := templateAt(r.chart, m.Path, m.Err.Error())
			seen[fmt.Sprintf("%s:%d", file, line)] = line > 0
			out = append(out, r.lintFinding(target, file, line, "helm lint: "+m.Err.Error()))
		} else if m.Severity == support.WarningSev {
			r.warnings = append(r.warnings, fmt.Sprintf("%s: helm lint: %v", target, m.Err))
		}
	}
	return out, seen
}

func (r *run) lintFinding(target, file string, line int, msg string) Finding {
	return Finding{Channel: r.channelName(), Target: target, Component: "-", Status: LintFailed,
		File: file, Line: line, Message: strings.ReplaceAll(msg, "\n", "; ")}
}

type badImage struct {
	file string
	line int
	msg  string
}

// renderedImages collects every "image:" string of the rendered manifest
// and of its hooks (helm test hooks excluded: they are not deployed).
func renderedImages(rel *release.Release, chartsDir string) ([]*occurrence, []badImage) {
	docs := []string{rel.Manifest}
	for _, h := range rel.Hooks {
		test := false
		for _, e := range h.Events {
			test = test || e == release.HookTest
		}
		if !test {
			docs = append(docs, "# Source: "+h.Path+"\n"+h.Manifest)
		}
	}
	var occ []*occurrence
	var bad []badImage
	for _, doc := range strings.Split(strings.Join(docs, "\n---\n"), "\n---") {
		src := "rendered"
		if _, rest, ok := strings.Cut(doc, "# Source: "); ok {
			src, _, _ = strings.Cut(rest, "\n")
			src = filepath.Join(chartsDir, src)
		}
		root, err := yamlpos.Decode(src, []byte(doc))
		if err != nil {
			bad = append(bad, badImage{file: src, msg: "rendered manifest: " + err.Error()})
			continue
		}
		walkImages(root, func(n *yaml.Node) {
			ref, err := image.Parse(n.Value)
			if err != nil {
				bad = append(bad, badImage{file: src, line: n.Line, msg: "rendered " + err.Error()})
				return
			}
			occ = append(occ, &occurrence{ref: ref, file: src + " (rendered)", line: n.Line})
		})
	}
	return occ, bad
}

func walkImages(n *yaml.Node, fn func(*yaml.Node)) {
	if n == nil {
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := n.Content[i+1]; n.Content[i].Value == "image" && v.Kind == yaml.ScalarNode && v.Value != "" {
				fn(v)
				continue
			}
			walkImages(n.Content[i+1], fn)
		}
		return
	}
	for _, c := range n.Content {
		walkImages(c, fn)
	}
}

// templateRE finds "template: CHART/templates/x.yaml:12:3:" in a Helm error.
var templateRE = regexp.MustCompile(`template: [^/\s]+/(\S+?):(\d+)(?::\d+)?:`)

// templateAt locates a lint error at the template's file:line when the
// error names one, else at the path helm lint gives (often a directory).
func templateAt(chart, path, msg string) (string, int) {
	if m := templateRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[2])
		return filepath.Join(chart, m[1]), n
	}
	return filepath.Join(chart, path), 0
}
