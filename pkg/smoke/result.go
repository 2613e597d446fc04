package smoke

import (
	"fmt"
	"strings"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// Status of a check.
type Status string

// The two verdicts of a check.
const (
	Pass Status = "PASS"
	Fail Status = "FAIL"
)

// Result is the verdict of one check.
type Result struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Status     Status `json:"status"`
	DurationMS int64  `json:"durationMs"`
	Attempts   int    `json:"attempts"`
	Reason     string `json:"reason,omitempty"`
	// Logs of failed pods (helm test pods, job pods), only when the check failed.
	Logs     string `json:"logs,omitempty"`
	TimedOut bool   `json:"timedOut,omitempty"`
}

// Duration is the check's wall time.
func (r Result) Duration() time.Duration { return time.Duration(r.DurationMS) * time.Millisecond }

// Summary is the outcome of one smoke run. It is what promote and
// safe-rollback journal; it holds no secret.
type Summary struct {
	Release    string    `json:"release"`
	Namespace  string    `json:"namespace"`
	Channel    string    `json:"channel,omitempty"`
	Version    string    `json:"version,omitempty"`
	Suite      string    `json:"suite"`
	StartedAt  time.Time `json:"startedAt"`
	DurationMS int64     `json:"durationMs"`
	Passed     int       `json:"passed"`
	Failed     int       `json:"failed"`
	// TimedOut is set when the overall --timeout ended the run.
	TimedOut bool     `json:"timedOut,omitempty"`
	Results  []Result `json:"results"`
}

// OK reports whether every check passed.
func (s *Summary) OK() bool { return s != nil && s.Failed == 0 && !s.TimedOut && len(s.Results) > 0 }

// Err maps the summary to the exit contract: nil when every check passed,
// exit 3 on the overall timeout, exit 2 when any check failed.
func (s *Summary) Err() error {
	switch {
	case s.TimedOut:
		return exit.TimedOut("smoke: overall timeout after %s: %d of %d checks passed", time.Duration(s.DurationMS)*time.Millisecond, s.Passed, len(s.Results))
	case s.Failed > 0:
		if r, ok := s.forbidden(); ok {
			return exit.WithCode(exit.Operational, fmt.Errorf("smoke: forbidden: check %s: %s (the Role smoke needs is in docs/rbac.md)", r.Name, r.Reason))
		}
		return exit.Failed("smoke: %d of %d checks failed", s.Failed, len(s.Results))
	}
	return nil
}

// forbidden is the first check that failed because the API server refused a
// request (RBAC): an operational error (exit 1), not a failed check.
func (s *Summary) forbidden() (Result, bool) {
	for _, r := range s.Results {
		if r.Status == Fail && strings.Contains(r.Reason, " is forbidden: User ") {
			return r, true
		}
	}
	return Result{}, false
}

func (s *Summary) count() {
	s.Passed, s.Failed = 0, 0
	for _, r := range s.Results {
		if r.Status == Pass {
			s.Passed++
		} else {
			s.Failed++
		}
	}
}
