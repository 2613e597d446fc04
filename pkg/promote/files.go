package promote

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/align"
	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
)

// FilesResult is what the channel workflow (--files-only) changed.
type FilesResult struct {
	Channel string        `json:"channel"`
	Version string        `json:"version"`
	Release string        `json:"release"` // the manifest, relative to the channels file
	Changed []string      `json:"changed"` // files rewritten
	Message string        `json:"commitMessage"`
	Commit  string        `json:"commit,omitempty"`
	Tag     string        `json:"tag,omitempty"`
	Align   *align.Result `json:"align,omitempty"`
}

// runFiles points the channel at the new manifest and aligns (--fix)
// every values and compose file of the channel, all in one all-or-nothing
// write, and optionally commits and tags.
func (p *Promote) runFiles(ctx context.Context) (*Result, error) {
	m, err := manifest.Load(p.ReleaseManifest)
	if err != nil {
		return nil, err
	}
	f, err := channel.Load(p.Config)
	if err != nil {
		return nil, err
	}
	if _, err := f.Channel(p.Channel); err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(filepath.Dir(f.Path), p.ReleaseManifest)
	if err != nil {
		return nil, exit.InvalidInput("flag --release: %v", err)
	}
	rel = filepath.ToSlash(rel)
	orig, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, exit.InvalidInput("flag --config: %v", err)
	}
	next, err := PointChannel(orig, p.Channel, rel)
	if err != nil {
		return nil, exit.InvalidInput("%s: %v", f.Path, err)
	}
	fr := &FilesResult{Channel: p.Channel, Version: m.Version, Release: rel,
		Message: "deploy: promote " + suffixed(m.Version, p.Channel)}
	res := &Result{Manifest: journalManifest(m.Version, p.Channel), Files: fr}
	if err := p.alignFiles(ctx, fr, next); err != nil {
		if fr.Align == nil { // nothing was written: the error line says it all
			return nil, err
		}
		res.Outcome, res.Message = "failed", err.Error()
		return res, err
	}
	res.Outcome, res.Message = "succeeded", fr.Message
	if p.GitCommit || p.GitTag {
		if err := p.gitRecord(ctx, fr); err != nil {
			return res, err
		}
	}
	return res, nil
}

// alignFiles writes the channels file (config, pointing the channel at
// the new manifest) and align --fix's edits to the channel's files in one
// all-or-nothing write: a failure, or a finding --fix cannot fix, leaves
// every file as it was.
func (p *Promote) alignFiles(ctx context.Context, fr *FilesResult, config []byte) error {
	fix := align.New(p.Progress)
	fix.SetConfig(p.Config)
	fix.Channel, fix.Fix, fix.ConfigData = p.Channel, true, config
	r, err := fix.Run(ctx)
	if err != nil {
		return fmt.Errorf("align --fix: %w", err)
	}
	for _, c := range r.Changes {
		fr.Changed = append(fr.Changed, c.File)
	}
	if fr.Align = r; !r.Aligned {
		return exit.Failed("align after --fix: %d finding(s) remain", r.Problems())
	}
	return nil
}

// PointChannel rewrites channels.<name>.release to rel, changing only that
// scalar's characters (comments and layout stay).
func PointChannel(data []byte, name, rel string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	n := lookup(&doc, "channels", name, "release")
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil, fmt.Errorf("channels.%s.release: not found", name)
	}
	if n.Value == rel {
		return data, nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	line := lines[n.Line-1]
	col := n.Column - 1
	end := strings.Index(line[col:], n.Value)
	if end < 0 || n.Style != 0 && n.Style != yaml.DoubleQuotedStyle && n.Style != yaml.SingleQuotedStyle {
		return nil, fmt.Errorf("channels.%s.release (line %d): unsupported scalar style", name, n.Line)
	}
	lines[n.Line-1] = line[:col+end] + rel + line[col+end+len(n.Value):]
	return []byte(strings.Join(lines, "")), nil
}

func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// gitRecord commits exactly the changed files and tags stable/airgap.
func (p *Promote) gitRecord(ctx context.Context, fr *FilesResult) error {
	dir := filepath.Dir(p.Config)
	if p.GitCommit && len(fr.Changed) > 0 {
		abs := make([]string, len(fr.Changed))
		for i, c := range fr.Changed {
			abs[i], _ = filepath.Abs(c)
		}
		if _, err := git(ctx, dir, append([]string{"add", "--"}, abs...)...); err != nil {
			return err
		}
		if _, err := git(ctx, dir, append([]string{"commit", "-m", fr.Message, "--"}, abs...)...); err != nil {
			return err
		}
		fr.Commit, _ = git(ctx, dir, "rev-parse", "HEAD")
	}
	if p.GitTag && (fr.Channel == "stable" || fr.Channel == "airgap") {
		fr.Tag = fr.Version
		if fr.Channel == "airgap" {
			fr.Tag = suffixed(fr.Version, fr.Channel)
		}
		if _, err := git(ctx, dir, "tag", "-a", fr.Tag, "-m", fr.Message); err != nil {
			return err
		}
	}
	return nil
}

func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", args[0], err, strings.TrimSpace(string(out)))
	}
	return strings.TrimSpace(string(out)), nil
}

// suffixed is version-channel, unless the version already ends so
// (edge manifests are versioned 2025.10.0-edge).
func suffixed(version, ch string) string {
	if strings.HasSuffix(version, "-"+ch) {
		return version
	}
	return version + "-" + ch
}
