package smoke

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"

	"github.com/stella-ops/stella-plugins/pkg/helmx"
)

// lastRelease reads the newest revision of name whatever its status, the
// one helm test runs (Helm's Releases.Last), without decoding the whole
// history. An unknown release reads as Helm words it: "release: not found".
// The short read is not cut by the check's deadline (the SDK's took no
// context): the step after it reports the timeout, as it always has.
func (o *Smoke) lastRelease(ctx context.Context, name string) (*release.Release, error) {
	rec, err := helmx.New(o.cfg).Last(context.WithoutCancel(ctx), name)
	if errors.Is(err, helmx.ErrNotFound) {
		return nil, driver.ErrReleaseNotFound
	}
	if err != nil {
		return nil, err
	}
	return rec.Release()
}

// helmTestsAttempt runs the release's test hooks through the Helm SDK
// (action.ReleaseTesting, as `helm test`), after removing the objects
// earlier runs left behind, and collects the logs of failed test pods only.
func (o *Smoke) helmTestsAttempt(ctx context.Context, name string, hc *HelmTestsCheck) outcome {
	if name == "" {
		return outcome{Reason: "no release given: pass RELEASE or set release: in the suite"}
	}
	rel, err := o.lastRelease(ctx, name)
	if err != nil {
		return outcome{Reason: fmt.Sprintf("release %s: %v", name, err)}
	}
	hooks := testHooks(rel, hc.Filter)
	if len(hooks) == 0 {
		return outcome{Reason: fmt.Sprintf("release %s has no test hook%s", name, filterNote(hc.Filter))}
	}
	for _, h := range hooks {
		if err := o.removeObject(ctx, rel.Namespace, h.Manifest); err != nil {
			return outcome{Reason: fmt.Sprintf("remove leftover of test hook %s: %v", h.Name, err)}
		}
	}
	rt := action.NewReleaseTesting(o.cfg.Helm)
	rt.Namespace = rel.Namespace
	rt.Timeout = remaining(ctx)
	if len(hc.Filter) > 0 {
		rt.Filters[action.IncludeNameFilter] = hc.Filter
	}
	done := make(chan testRun, 1)
	go func() { r, err := rt.Run(name); done <- testRun{r, err} }() // the SDK call takes no context
	var run testRun
	select {
	case run = <-done:
	case <-ctx.Done():
		return outcome{Reason: fmt.Sprintf("helm test %s: %v", name, ctx.Err())}
	}
	if run.rel == nil {
		return outcome{Reason: fmt.Sprintf("helm test %s: %v", name, run.err)}
	}
	failed := failedHooks(run.rel, hc.Filter)
	if len(failed) == 0 && run.err == nil {
		return outcome{}
	}
	var logs strings.Builder
	for _, h := range failed {
		o.hookLogs(ctx, &logs, rel.Namespace, h.Kind, h.Name)
	}
	reason := fmt.Sprintf("test hook(s) failed: %s", strings.Join(hookNames(failed), ", "))
	if len(failed) == 0 {
		reason = fmt.Sprintf("helm test %s: %v", name, run.err)
	}
	return outcome{Reason: reason, Logs: logs.String()}
}

type testRun struct {
	rel *release.Release
	err error
}

// testHooks are the release's test hooks (those named in filter, if any), by name.
func testHooks(rel *release.Release, filter []string) []*release.Hook {
	var out []*release.Hook
	for _, h := range rel.Hooks {
		if slices.Contains(h.Events, release.HookTest) && (len(filter) == 0 || slices.Contains(filter, h.Name)) {
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// failedHooks are the test hooks whose last run did not succeed.
func failedHooks(rel *release.Release, filter []string) []*release.Hook {
	var out []*release.Hook
	for _, h := range testHooks(rel, filter) {
		if h.LastRun.Phase != release.HookPhaseSucceeded {
			out = append(out, h)
		}
	}
	return out
}

func hookNames(hs []*release.Hook) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = fmt.Sprintf("%s (%s %s)", h.Name, strings.ToLower(h.Kind), strings.ToLower(string(h.LastRun.Phase)))
	}
	return out
}

func filterNote(filter []string) string {
	if len(filter) == 0 {
		return ""
	}
	return " named " + strings.Join(filter, ", ")
}

// remaining is the time left before ctx's deadline (a minute when none).
func remaining(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return max(time.Until(d), time.Second)
	}
	return time.Minute
}
