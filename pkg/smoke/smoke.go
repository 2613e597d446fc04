package smoke

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// Defaults of a run.
const (
	DefaultParallel = 4
	DefaultOverall  = 5 * time.Minute
)

// Smoke is the smoke-test operation.
type Smoke struct {
	cfg *kube.Config
	// HTTPClient makes the http checks' requests; nil uses a plain client
	// without keep-alives (each attempt has its own port-forward).
	HTTPClient *http.Client
}

// Options of one run.
type Options struct {
	Suite     *Suite
	Release   string // default: the suite's release
	Namespace string // default: the configuration's namespace
	Channel   string // {{ .Channel }}
	Version   string // {{ .Version }}
	Parallel  int    // checks run at once; default DefaultParallel
	Timeout   time.Duration
	// BaseURLs maps a Service name to a base URL used instead of a port-forward.
	BaseURLs map[string]string
	// OnResult, if set, is called once per finished check (serialised), for progress.
	OnResult func(Result)
}

// New returns the operation on the injected configuration.
func New(cfg *kube.Config) *Smoke { return &Smoke{cfg: cfg} }

// Run plans the suite (a bad suite is invalid input, exit 4, and nothing
// runs), then runs its checks in parallel, each bounded by its own timeout
// and all by opts.Timeout. Failed checks are in the Summary, not the error:
// Summary.Err maps them to exit 2 or 3. The error is for invalid input and
// operational failures only; when ctx itself ends, the partial Summary
// comes with ctx's error.
func (o *Smoke) Run(ctx context.Context, opts Options) (*Summary, error) {
	if opts.Suite == nil {
		return nil, exit.InvalidInput("smoke: no suite")
	}
	vars := Vars{Release: first2(opts.Release, opts.Suite.Release), Namespace: first2(opts.Namespace, o.cfg.Namespace), Channel: opts.Channel, Version: opts.Version}
	steps, err := planSuite(opts.Suite, vars, opts.BaseURLs)
	if err != nil {
		return nil, err
	}
	if unused := unusedBaseURLs(steps, opts.BaseURLs); len(unused) > 0 {
		return nil, exit.InvalidInput("flag --base-url: no http check of %s targets service %s", opts.Suite.Path, strings.Join(unused, ", "))
	}
	if err := o.cfg.Typed.Discovery().RESTClient().Get().AbsPath("/version").Do(ctx).Error(); err != nil {
		return nil, fmt.Errorf("smoke: kubernetes API unreachable: %w", err)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultOverall
	}
	if opts.Parallel <= 0 {
		opts.Parallel = DefaultParallel
	}
	s := &Summary{Release: vars.Release, Namespace: vars.Namespace, Channel: vars.Channel, Version: vars.Version, Suite: opts.Suite.Path, StartedAt: time.Now().UTC()}
	r := &runner{op: o, vars: vars, parallel: opts.Parallel, onResult: opts.OnResult}
	s.Results, s.TimedOut = r.run(ctx, steps, opts.Timeout)
	s.DurationMS = time.Since(s.StartedAt).Milliseconds()
	s.count()
	if err := ctx.Err(); err != nil { // the caller gave up (signal, its own deadline)
		return s, fmt.Errorf("smoke: %w", err)
	}
	return s, nil
}

func first2(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
