package align

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
	"github.com/stella-ops/stella-plugins/pkg/registry"
)

// MissingInRegistry is a pin whose digest the registry the targets pull
// from does not hold (--check-registry): the upgrade would ImagePullBackOff.
const MissingInRegistry Status = "missing-in-registry"

func init() { rank[MissingInRegistry] = 6 }

// MirrorRef is where targets mapped by m pull pin p from: the registry
// map read backwards (a rule FROM=TO sends TO's repositories to FROM).
// With no rule for it, the pin's own reference.
func MirrorRef(m image.RegistryMap, p manifest.Pin) string {
	repo := p.Ref.Repository()
	for _, rule := range m {
		if repo == rule.To || strings.HasPrefix(repo, rule.To+"/") {
			return rule.From + strings.TrimPrefix(repo, rule.To) + "@" + p.Digest()
		}
	}
	return repo + "@" + p.Digest()
}

// CheckPins asks, for every pin, whether its registry (after the map)
// holds its digest: one HEAD per pin, opts.Jobs at a time. Missing digests
// are findings; registries that cannot be reached or refuse the
// credentials are one operational error (exit 1) naming each of them.
func CheckPins(ctx context.Context, opts *registry.Options, m *manifest.Manifest, rm image.RegistryMap) ([]Finding, error) {
	if err := opts.Prepare(); err != nil {
		return nil, err
	}
	var (
		mu          sync.Mutex
		findings    []Finding
		unreachable = map[string]string{}
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Jobs)
	for _, p := range m.Pins {
		g.Go(func() error {
			s := MirrorRef(rm, p)
			ref, err := opts.Reference(s)
			if err != nil {
				return exit.InvalidInput("%s:%d: %v", m.Path, p.Line, err)
			}
			found, err := opts.Head(gctx, ref)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, registry.ErrUnreachable):
				unreachable[ref.Context().RegistryStr()] = err.Error()
			case err != nil:
				return err
			case !found:
				findings = append(findings, Finding{Target: m.Path, Component: p.Component, Status: MissingInRegistry,
					Expected: p.Digest(), Image: s, File: m.Path, Line: p.Line,
					Message: "digest not in registry " + ref.Context().RegistryStr()})
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if len(unreachable) > 0 {
		return nil, unreachableError(unreachable)
	}
	return findings, nil
}

func unreachableError(byReg map[string]string) error {
	regs := make([]string, 0, len(byReg))
	for r := range byReg {
		regs = append(regs, r)
	}
	sort.Strings(regs)
	return exit.WithCode(exit.Operational, fmt.Errorf("registry check: cannot reach %s (%s)", strings.Join(regs, ", "), byReg[regs[0]]))
}

// checkRegistry runs CheckPins for every run, with the run's registry map.
func (a *Align) checkRegistry(ctx context.Context, runs []*run) error {
	for _, r := range runs {
		fs, err := CheckPins(ctx, &a.Registry, r.manifest, r.regmap)
		if err != nil {
			return err
		}
		for i := range fs {
			fs[i].Channel = r.channelName()
		}
		r.findings = append(r.findings, fs...)
	}
	return nil
}
