package suite

import (
	"bytes"
	"errors"
	"io"
	"os"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// DefaultPath is the suite read when no -f is given and the channel names none.
const DefaultPath = "deploy/smoke.yaml"

// Defaults for checks that set no timeout, retries or backoff.
const (
	DefaultTimeout = 30 * time.Second
	DefaultBackoff = time.Second
)

// Suite is a smoke suite file. Strings of checks are Go templates over Vars.
type Suite struct {
	Path    string        `yaml:"-" json:"path"`
	Release string        `yaml:"release" json:"release,omitempty"` // default release name
	Timeout time.Duration `yaml:"timeout" json:"timeout,omitempty"` // default per-check timeout
	Retries int           `yaml:"retries" json:"retries,omitempty"` // default retries
	Backoff time.Duration `yaml:"backoff" json:"backoff,omitempty"` // default first backoff
	Checks  []Check       `yaml:"checks" json:"checks"`
}

// Check is one smoke check: exactly one of HTTP, Endpoints, HelmTests, Job.
type Check struct {
	Name      string          `yaml:"name" json:"name"`
	Timeout   time.Duration   `yaml:"timeout" json:"timeout,omitempty"`
	Retries   *int            `yaml:"retries" json:"retries,omitempty"`
	Backoff   time.Duration   `yaml:"backoff" json:"backoff,omitempty"`
	HTTP      *HTTPCheck      `yaml:"http" json:"http,omitempty"`
	Endpoints *EndpointsCheck `yaml:"endpoints" json:"endpoints,omitempty"`
	HelmTests *HelmTestsCheck `yaml:"helm-tests" json:"helmTests,omitempty"`
	Job       *JobCheck       `yaml:"job" json:"job,omitempty"`
	Line      int             `yaml:"-" json:"line"`
	node      *yaml.Node
}

// LineOf is the line of the deepest of keys (a path of mapping keys, e.g.
// "http", "path") found in c's YAML; c's own line when none is found, and 1
// for a check that was not parsed.
func (c *Check) LineOf(keys ...string) int { return lineOf(c.node, keys...) }

// HTTPCheck is an HTTP request to a Service port (or pods by selector).
type HTTPCheck struct {
	Service  string            `yaml:"service" json:"service,omitempty"`
	Selector map[string]string `yaml:"selector" json:"selector,omitempty"`
	Port     string            `yaml:"port" json:"port,omitempty"` // number or name
	Path     string            `yaml:"path" json:"path"`
	Method   string            `yaml:"method" json:"method,omitempty"`
	Headers  map[string]string `yaml:"headers" json:"headers,omitempty"`
	Status   int               `yaml:"status" json:"status,omitempty"`
	Body     string            `yaml:"body" json:"body,omitempty"` // regular expression
	JSON     []JSONAssertion   `yaml:"json" json:"json,omitempty"`
}

// JSONAssertion asserts one field (dotted path, e.g. build.commit or items.0.name).
type JSONAssertion struct {
	Field   string  `yaml:"field" json:"field"`
	Equals  *string `yaml:"equals" json:"equals,omitempty"`
	Matches string  `yaml:"matches" json:"matches,omitempty"`
	Line    int     `yaml:"-" json:"-"`
}

// EndpointsCheck: every Service of the release has at least Min ready endpoints.
type EndpointsCheck struct {
	Min      int      `yaml:"min" json:"min"`
	Services []string `yaml:"services" json:"services,omitempty"` // default: every Service of the release
}

// HelmTestsCheck runs the release's helm.sh/hook: test hooks.
type HelmTestsCheck struct {
	Filter []string `yaml:"filter" json:"filter,omitempty"` // hook names to run; default all
}

// JobCheck creates a Job from Template (a batch/v1 Job manifest), waits for it.
type JobCheck struct {
	Template yaml.Node `yaml:"template" json:"-"`
}

// Load reads and parses a suite file.
func Load(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, exit.InvalidInput("smoke suite: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates suite bytes; every error is invalid input
// naming path:line.
func Parse(path string, data []byte) (*Suite, error) {
	root, err := yamlpos.Decode(path, data)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, exit.InvalidInput("%s: empty smoke suite", path)
	}
	s := &Suite{Path: path}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlpos.Error(path, err)
	}
	if checks := yamlpos.Map(root, "checks"); checks != nil && checks.Kind == yaml.SequenceNode {
		for i := range s.Checks {
			if i < len(checks.Content) {
				s.Checks[i].node = checks.Content[i]
				s.Checks[i].Line = checks.Content[i].Line
			}
		}
	}
	if err := s.validate(root); err != nil {
		return nil, err
	}
	return s, nil
}
