package align

import (
	"context"
	"io"

	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/registry"
)

// Align is the align operation. Set the option fields, then call Run.
type Align struct {
	Release     string   // release manifest; default: the channel's
	Values      []string // Helm values targets (-f)
	Targets     []string // targets of any kind, detected by content (--target)
	Config      string   // channels file; default channel.DefaultPath
	Channel     string   // check this channel
	AllChannels bool     // check every channel of the channels file
	IgnoreRepos []string // repositories never reported (name or path)
	Match       string   // name (default) | repository
	RegistryMap []string // FROM=TO rewrites applied to targets' references
	EnvFiles    []string // env files for compose targets (default: the channel's)
	Chart       string   // chart for Lint (default: the channel's)
	Fix         bool     // rewrite targets to pin the manifest's digests
	DryRun      bool     // with Fix: compute the diff, write nothing
	Lint        bool     // helm lint + render values targets; validate compose targets
	// Layered checks Values as the -f files of one Helm install (promote):
	// merged in Helm's order into one target, rendered once, every finding
	// located in the last file that writes the value at fault (layers.go).
	Layered bool
	// CheckRegistry HEADs every pin in the registry targets pull from (registry.go).
	CheckRegistry bool
	Registry      registry.Options
	Progress      io.Writer
	// ConfigData, with Fix, is new content for the channels file (promote
	// --files-only points a channel at a new manifest): targets are checked
	// against it, and it is written with the fixes in one all-or-nothing
	// write — only if nothing --fix cannot fix remains.
	ConfigData []byte

	configExplicit bool
}

// New returns an Align with defaults; progress lines go to progress (may be nil).
func New(progress io.Writer) *Align {
	if progress == nil {
		progress = io.Discard
	}
	return &Align{Config: channel.DefaultPath, Progress: progress}
}

// SetConfig sets the channels file and marks it as explicitly chosen, so
// that its absence is an error rather than "no channels".
func (a *Align) SetConfig(path string) { a.Config, a.configExplicit = path, true }

// Run checks every target, applies Fix when asked, and returns the result.
// Bad input is an exit-4 error and nothing is written; drift is reported in
// the Result (Aligned false), not as an error.
func (a *Align) Run(ctx context.Context) (*Result, error) {
	if a.Progress == nil {
		a.Progress = io.Discard
	}
	if a.DryRun && !a.Fix {
		return nil, exit.InvalidInput("flag --dry-run: only meaningful with --fix")
	}
	if a.Layered && (a.Fix || len(a.Targets) > 0) {
		return nil, exit.InvalidInput("align: layered values cannot be combined with --fix or --target")
	}
	if _, err := image.ParseMatch(a.Match); err != nil {
		return nil, exit.InvalidInput("flag --match: %v", err)
	}
	if _, err := image.ParseRegistryMap(a.RegistryMap); err != nil {
		return nil, exit.InvalidInput("flag --registry-map: %v", err)
	}
	runs, err := a.plan()
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if err := r.load(ctx); err != nil {
			return nil, err
		}
	}
	res := &Result{}
	for _, r := range runs {
		r.findings = r.check()
	}
	if a.Fix {
		if err := a.fix(ctx, runs, res); err != nil {
			return nil, err
		}
	}
	if a.Lint {
		for _, r := range runs {
			lf, err := r.lint(ctx, a.Progress)
			if err != nil {
				return nil, err
			}
			r.findings = append(r.findings, lf...)
		}
	}
	if a.CheckRegistry {
		if err := a.checkRegistry(ctx, runs); err != nil {
			return nil, err
		}
	}
	a.collect(runs, res)
	return res, nil
}
