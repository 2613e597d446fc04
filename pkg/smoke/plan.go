package smoke

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	batchv1 "k8s.io/api/batch/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// Kinds of checks, as Result.Kind reports them.
const (
	KindHTTP      = "http"
	KindEndpoints = "endpoints"
	KindHelmTests = "helm-tests"
	KindJob       = "job"
)

// step is one check made ready to run: templates rendered, regular
// expressions compiled, defaults applied. Plan builds steps without I/O.
type step struct {
	Name, Kind string
	Line       int
	Timeout    time.Duration
	Retries    int
	Backoff    time.Duration
	HTTP       *httpStep
	Endpoints  *EndpointsCheck
	HelmTests  *HelmTestsCheck
	Job        *batchv1.Job
}

type httpStep struct {
	Service  string
	Selector map[string]string
	Port     string
	Path     string
	Method   string
	Headers  map[string]string
	Status   int
	Body     *regexp.Regexp
	JSON     []jsonStep
	BaseURL  string // --base-url override for Service
}

type jsonStep struct {
	Field   string
	Equals  *string
	Matches *regexp.Regexp
}

// planSuite renders the suite's checks for vars. baseURLs maps a Service name
// (as rendered) to a URL used instead of a port-forward. Pure.
func planSuite(s *Suite, v Vars, baseURLs map[string]string) ([]step, error) {
	steps := make([]step, 0, len(s.Checks))
	for i := range s.Checks {
		st, err := planCheck(s, &s.Checks[i], v, baseURLs)
		if err != nil {
			return nil, err
		}
		steps = append(steps, st)
	}
	return steps, nil
}

func planCheck(s *Suite, c *Check, v Vars, baseURLs map[string]string) (step, error) {
	st := step{Name: c.Name, Line: c.Line, Timeout: first(c.Timeout, s.Timeout, DefaultTimeout), Backoff: first(c.Backoff, s.Backoff, DefaultBackoff)}
	if c.Retries != nil {
		st.Retries = *c.Retries
	} else if c.HTTP != nil || c.Endpoints != nil {
		st.Retries = s.Retries
	}
	var err error
	switch {
	case c.HTTP != nil:
		st.Kind = KindHTTP
		st.HTTP, err = planHTTP(s, c, v, baseURLs)
	case c.Endpoints != nil:
		st.Kind, st.Endpoints = KindEndpoints, &EndpointsCheck{Min: max(c.Endpoints.Min, 1)}
		for _, name := range c.Endpoints.Services {
			r, err := render(s.Path, c.LineOf("endpoints", "services"), name, v)
			if err != nil {
				return st, err
			}
			st.Endpoints.Services = append(st.Endpoints.Services, r)
		}
	case c.HelmTests != nil:
		st.Kind, st.HelmTests = KindHelmTests, c.HelmTests
	case c.Job != nil:
		st.Kind = KindJob
		st.Job, err = planJob(s, c, v)
	}
	return st, err
}

func planHTTP(s *Suite, c *Check, v Vars, baseURLs map[string]string) (*httpStep, error) {
	h, line := c.HTTP, func(k ...string) int { return c.LineOf(append([]string{"http"}, k...)...) }
	out := &httpStep{Method: h.Method, Status: h.Status, Headers: map[string]string{}, Selector: map[string]string{}}
	if out.Method == "" {
		out.Method = http.MethodGet
	}
	if out.Status == 0 {
		out.Status = http.StatusOK
	}
	var err error
	fields := []struct {
		dst *string
		src string
		key string
	}{{&out.Service, h.Service, "service"}, {&out.Port, h.Port, "port"}, {&out.Path, h.Path, "path"}}
	for _, f := range fields {
		if *f.dst, err = render(s.Path, line(f.key), f.src, v); err != nil {
			return nil, err
		}
	}
	for _, m := range []struct {
		dst, src map[string]string
		key      string
	}{{out.Headers, h.Headers, "headers"}, {out.Selector, h.Selector, "selector"}} {
		for k, val := range m.src {
			if m.dst[k], err = render(s.Path, line(m.key), val, v); err != nil {
				return nil, err
			}
		}
	}
	if h.Body != "" {
		if out.Body, err = compile(s.Path, line("body"), h.Body, v); err != nil {
			return nil, err
		}
	}
	for _, a := range h.JSON {
		js := jsonStep{Field: a.Field}
		if a.Equals != nil {
			eq, err := render(s.Path, a.Line, *a.Equals, v)
			if err != nil {
				return nil, err
			}
			js.Equals = &eq
		} else if js.Matches, err = compile(s.Path, a.Line, a.Matches, v); err != nil {
			return nil, err
		}
		out.JSON = append(out.JSON, js)
	}
	out.BaseURL = strings.TrimRight(baseURLs[out.Service], "/")
	return out, nil
}

func planJob(s *Suite, c *Check, v Vars) (*batchv1.Job, error) {
	raw, err := yaml.Marshal(&c.Job.Template)
	if err != nil {
		return nil, errAt(s.Path, c.Job.Template.Line, "check %q: job.template: %v", c.Name, err)
	}
	text, err := render(s.Path, c.Job.Template.Line, string(raw), v)
	if err != nil {
		return nil, err
	}
	job := &batchv1.Job{}
	if err := sigsyaml.UnmarshalStrict([]byte(text), job); err != nil {
		return nil, errAt(s.Path, c.Job.Template.Line, "check %q: job.template: %v", c.Name, err)
	}
	if job.Name == "" && job.GenerateName == "" {
		job.GenerateName = "smoke-" + dnsName(c.Name) + "-"
	}
	return job, nil
}

func compile(path string, line int, expr string, v Vars) (*regexp.Regexp, error) {
	r, err := render(path, line, expr, v)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(r)
	if err != nil {
		return nil, errAt(path, line, "regular expression %q: %v", r, err)
	}
	return re, nil
}

func first(d ...time.Duration) time.Duration {
	for _, x := range d {
		if x > 0 {
			return x
		}
	}
	return 0
}

// unusedBaseURLs lists --base-url services that no http check names.
func unusedBaseURLs(steps []step, baseURLs map[string]string) []string {
	used := map[string]bool{}
	for _, st := range steps {
		if st.HTTP != nil {
			used[st.HTTP.Service] = true
		}
	}
	var out []string
	for svc := range baseURLs {
		if !used[svc] {
			out = append(out, svc)
		}
	}
	sort.Strings(out)
	return out
}

var notDNS = regexp.MustCompile(`[^a-z0-9-]+`)

// dnsName makes a check name usable in a generated object name.
func dnsName(s string) string {
	n := strings.Trim(notDNS.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(n) > 40 {
		n = strings.TrimRight(n[:40], "-")
	}
	return n
}
