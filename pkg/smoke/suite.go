package smoke

import "github.com/stella-ops/stella-plugins/pkg/smoke/suite"

// DefaultPath is the suite read when no -f is given and the channel names none.
const DefaultPath = suite.DefaultPath

// Defaults for checks that set no timeout, retries or backoff.
const (
	DefaultTimeout = suite.DefaultTimeout
	DefaultBackoff = suite.DefaultBackoff
)

// The suite file model, defined in package suite.
type (
	Suite          = suite.Suite
	Check          = suite.Check
	HTTPCheck      = suite.HTTPCheck
	JSONAssertion  = suite.JSONAssertion
	EndpointsCheck = suite.EndpointsCheck
	HelmTestsCheck = suite.HelmTestsCheck
	JobCheck       = suite.JobCheck
)

// Load reads and parses a suite file (suite.Load).
func Load(path string) (*Suite, error) { return suite.Load(path) }

// Parse decodes and validates suite bytes (suite.Parse).
func Parse(path string, data []byte) (*Suite, error) { return suite.Parse(path, data) }
