package verify

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/watch"
)

// Options are the inputs of one check.
type Options struct {
	Release       string // Helm release; "" = every workload (or Selector's)
	Selector      string // label selector, kubectl syntax
	Namespace     string // "" = the kubeconfig's namespace
	AllNamespaces bool
	Wait          bool          // watch until healthy, failed or Timeout
	Timeout       time.Duration // with Wait
	StableFor     time.Duration // healthy must hold this long (implies Wait)
	// UnschedulableGrace is how long a pod may stay Unschedulable when no
	// autoscaler is adding a node for it; 0 = health.DefaultUnschedulableGrace.
	UnschedulableGrace time.Duration
	Logs               bool // read the last TailLines of unhealthy containers
	TailLines          int64
	// Expected digests: a component → digest map, or a release manifest by
	// path, or by channel name in the channels file (ChannelsFile).
	ExpectedDigests map[string]string
	ReleaseManifest string
	Channel         string
	ChannelsFile    string
	// DigestSource names where ExpectedDigests come from, in the result and
	// in DigestMismatch messages ("revision 2's manifest", "bookmark
	// edge-r1 (revision 1's manifest)"); "" = "flags".
	DigestSource string
	// Progress receives the wait's snapshots; nil ignores them.
	Progress func(watch.Snapshot)

	manifestVersion string // of the loaded release manifest
}

// Verify is the verify-pods operation.
type Verify struct {
	Options
	cfg       *kube.Config // Helm storage, dynamic client and mapper, for the release's custom kinds
	client    kubernetes.Interface
	namespace string
	custom    []schema.GroupVersionResource // the release's custom kinds
}

func (v *Verify) dynamic() dynamic.Interface {
	if v.cfg == nil {
		return nil
	}
	return v.cfg.Dynamic
}

// New returns the operation on the injected clients.
func New(cfg *kube.Config) *Verify {
	return &Verify{cfg: cfg, client: cfg.Typed, namespace: cfg.Namespace}
}

// Run checks the selected workloads once (or, with Wait, until the verdict
// is certain) and returns the verdict with its evidence. The error is for
// invalid input (exit 4) and API failures (exit 1); an unhealthy or
// timed-out verdict is a Result, not an error.
func (v *Verify) Run(ctx context.Context) (*Result, error) {
	o := &v.Options
	sel, pins, source, phrase, err := o.prepare()
	if err != nil {
		return nil, err
	}
	ns := o.Namespace
	if ns == "" {
		ns = v.namespace
	}
	if o.AllNamespaces {
		ns = ""
	}
	r := &Result{Release: o.Release, Namespace: ns, AllNamespaces: o.AllNamespaces, Selector: o.Selector,
		Wait: o.Wait || o.StableFor > 0, Started: time.Now().UTC(), DigestSource: source, Pins: pins}
	if r.Wait {
		r.Timeout, r.StableFor = o.Timeout.String(), o.StableFor.String()
	}
	ev := &Evaluation{Selection: sel, Pins: pins, PinSource: phrase, UnschedulableGrace: o.UnschedulableGrace}
	if o.Release != "" && !o.AllNamespaces {
		if v.custom, r.Note, err = v.customKinds(ctx, o.Release, ns); err != nil {
			return nil, err
		}
	}
	objs, err := list(ctx, v.client, ns)
	if err != nil {
		return nil, err
	}
	if objs.Custom, err = listCustom(ctx, v.dynamic(), ns, v.custom); err != nil {
		return nil, err
	}
	ws, err := ev.Evaluate(objs, time.Now())
	if err != nil {
		return nil, err
	}
	state, msg := summary(ws, r.what())
	if r.Wait && state != health.Failed && !(state == health.Healthy && o.StableFor == 0) {
		if ws, state, msg, err = v.wait(ctx, ev, ns, r); err != nil {
			return nil, err
		}
	}
	r.Workloads, r.State, r.Message = ws, state, msg
	if r.Verdict == "" {
		r.Verdict = map[bool]Verdict{true: Healthy, false: Unhealthy}[state == health.Healthy]
	}
	if r.Verdict != Healthy {
		if err := v.evidence(ctx, r); err != nil {
			return nil, err
		}
	}
	r.Elapsed = time.Since(r.Started).Round(time.Millisecond).String()
	return r, nil
}

// wait watches until the verdict is certain; it sets r.Verdict.
func (v *Verify) wait(ctx context.Context, ev *Evaluation, ns string, r *Result) ([]Workload, health.State, string, error) {
	var custom []watch.Custom
	for _, gvr := range v.custom {
		custom = append(custom, watch.Custom{Client: v.dynamic(), Resource: gvr})
	}
	src, err := watch.Start(ctx, v.client, ns, custom...)
	if err != nil {
		return nil, "", "", kube.APIError(err, "watch", "workloads", ns)
	}
	defer src.Stop()
	var (
		ws      []Workload
		state   health.State
		msg     string
		evalErr error
	)
	eval := func(now time.Time) (health.State, string) {
		ws, evalErr = ev.Evaluate(src.Objects(), now)
		state, msg = summary(ws, r.what())
		if evalErr != nil {
			return health.Failed, evalErr.Error()
		}
		return state, msg
	}
	out, err := watch.Until(ctx, watch.Options{Timeout: v.Timeout, StableFor: v.StableFor, Progress: v.Progress}, src.Changed(), src.Err(), eval)
	if err != nil {
		return nil, "", "", kube.APIError(err, "watch", "workloads", ns)
	}
	if evalErr != nil {
		return nil, "", "", evalErr
	}
	if out == watch.TimedOut {
		r.Verdict = TimedOut
		msg = fmt.Sprintf("timed out after %s: %s", v.Timeout, msg)
	}
	return ws, state, msg, nil
}

// evidence adds events and, with Logs, log lines to the unhealthy workloads.
func (v *Verify) evidence(ctx context.Context, r *Result) error {
	if err := events(ctx, v.client, r.Workloads); err != nil {
		return err
	}
	if v.Logs {
		logs(ctx, v.client, r.Workloads, v.TailLines)
	}
	return nil
}

// prepare validates the options: selector syntax and the expected digests.
func (o *Options) prepare() (Selection, health.Pins, string, string, error) {
	sel := Selection{Release: o.Release}
	if o.Selector != "" {
		s, err := labels.Parse(o.Selector)
		if err != nil {
			return sel, nil, "", "", exit.InvalidInput("flag -l/--selector: %v", err)
		}
		sel.Selector = s
	}
	if o.TailLines <= 0 {
		o.TailLines = 20
	}
	pins, source, phrase, err := o.pins()
	return sel, pins, source, phrase, err
}

// what names the selection in messages.
func (r *Result) what() string {
	s := "namespace " + r.Namespace
	if r.AllNamespaces {
		s = "all namespaces"
	}
	switch {
	case r.Release != "":
		return "release " + r.Release + " in " + s
	case r.Selector != "":
		return "selector " + r.Selector + " in " + s
	}
	return s
}
