package suite

import (
	"fmt"
	"slices"
	"strings"
	"text/template"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// validate checks what decoding cannot: one kind per check, unique names,
// sane numbers, templates that parse. Errors name path:line.
func (s *Suite) validate(root *yaml.Node) error {
	if len(s.Checks) == 0 {
		return yamlpos.Errorf(s.Path, lineOf(root, "checks"), "no checks defined")
	}
	if s.Timeout < 0 || s.Retries < 0 || s.Backoff < 0 {
		return yamlpos.Errorf(s.Path, root.Line, "timeout, retries and backoff must not be negative")
	}
	if err := s.noZero(root, "suite"); err != nil {
		return err
	}
	seen := map[string]int{}
	for i := range s.Checks {
		c := &s.Checks[i]
		if c.Name == "" {
			return yamlpos.Errorf(s.Path, c.Line, "check has no name")
		}
		if prev, dup := seen[c.Name]; dup {
			return yamlpos.Errorf(s.Path, c.LineOf("name"), "check %q already defined at line %d", c.Name, prev)
		}
		seen[c.Name] = c.Line
		if err := s.validateCheck(c); err != nil {
			return err
		}
	}
	return nil
}

func (s *Suite) validateCheck(c *Check) error {
	kinds := []string{}
	for k, set := range map[string]bool{"http": c.HTTP != nil, "endpoints": c.Endpoints != nil, "helm-tests": c.HelmTests != nil, "job": c.Job != nil} {
		if set {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 {
		return yamlpos.Errorf(s.Path, c.Line, "check %q: want exactly one of http, endpoints, helm-tests, job (found %d)", c.Name, len(kinds))
	}
	if c.Timeout < 0 || c.Backoff < 0 || (c.Retries != nil && *c.Retries < 0) {
		return yamlpos.Errorf(s.Path, c.Line, "check %q: timeout, retries and backoff must not be negative", c.Name)
	}
	if err := s.noZero(c.node, fmt.Sprintf("check %q", c.Name)); err != nil {
		return err
	}
	switch {
	case c.HTTP != nil:
		return s.validateHTTP(c)
	case c.Endpoints != nil:
		if c.Endpoints.Min < 0 {
			return yamlpos.Errorf(s.Path, c.LineOf("endpoints", "min"), "check %q: min must not be negative", c.Name)
		}
	case c.Job != nil:
		t := &c.Job.Template
		if t.Kind != yaml.MappingNode {
			return yamlpos.Errorf(s.Path, c.LineOf("job"), "check %q: job.template must be a batch/v1 Job manifest", c.Name)
		}
		if k, _ := yamlpos.Scalar(yamlpos.Map(t, "kind")); k != "Job" {
			return yamlpos.Errorf(s.Path, t.Line, "check %q: job.template kind is %q, want Job", c.Name, k)
		}
	}
	return s.validateTemplates(c)
}

func (s *Suite) validateHTTP(c *Check) error {
	h := c.HTTP
	at := func(keys ...string) int { return c.LineOf(append([]string{"http"}, keys...)...) }
	if (h.Service == "") == (len(h.Selector) == 0) {
		return yamlpos.Errorf(s.Path, at(), "check %q: http needs exactly one of service or selector", c.Name)
	}
	if len(h.Selector) > 0 && h.Port == "" {
		return yamlpos.Errorf(s.Path, at("selector"), "check %q: http.selector needs a port", c.Name)
	}
	if !strings.HasPrefix(h.Path, "/") {
		return yamlpos.Errorf(s.Path, at("path"), "check %q: http.path must start with /", c.Name)
	}
	if h.Method != "" && !validMethod(h.Method) {
		return yamlpos.Errorf(s.Path, at("method"), "check %q: unknown http.method %q", c.Name, h.Method)
	}
	if h.Status != 0 && (h.Status < 100 || h.Status > 599) {
		return yamlpos.Errorf(s.Path, at("status"), "check %q: http.status %d is not an HTTP status", c.Name, h.Status)
	}
	js := yamlpos.Map(yamlpos.Map(c.node, "http"), "json")
	for i := range h.JSON {
		a := &h.JSON[i]
		if js != nil && i < len(js.Content) {
			a.Line = js.Content[i].Line
		}
		if a.Field == "" || (a.Equals == nil) == (a.Matches == "") {
			return yamlpos.Errorf(s.Path, a.Line, "check %q: a json assertion needs a field and exactly one of equals or matches", c.Name)
		}
		if slices.Contains(strings.Split(a.Field, "."), "") {
			return yamlpos.Errorf(s.Path, a.Line, "check %q: json field %q: empty path segment (want keys and indexes joined by single dots, e.g. build.commit or items.0.name)", c.Name, a.Field)
		}
	}
	return s.validateTemplates(c)
}

// validateTemplates parses every template of c so that a typo is a bad
// suite (exit 4) before anything runs.
func (s *Suite) validateTemplates(c *Check) error {
	for _, str := range c.strings() {
		if !strings.Contains(str, "{{") {
			continue
		}
		if _, err := template.New("").Parse(str); err != nil {
			return yamlpos.Errorf(s.Path, c.Line, "check %q: template %q: %v", c.Name, str, err)
		}
	}
	return nil
}

// strings lists the templated strings of an http check.
func (c *Check) strings() []string {
	if c.HTTP == nil {
		return nil
	}
	h := c.HTTP
	out := []string{h.Service, h.Port, h.Path, h.Body}
	for k, v := range h.Headers {
		out = append(out, k, v)
	}
	for _, v := range h.Selector {
		out = append(out, v)
	}
	for _, a := range h.JSON {
		if a.Equals != nil {
			out = append(out, *a.Equals)
		}
		out = append(out, a.Matches)
	}
	return out
}

// noZero rejects an explicit zero timeout or backoff: a zero duration has
// no single meaning (no limit? the default?), so it is not accepted; omit
// the key for the default.
func (s *Suite) noZero(n *yaml.Node, what string) error {
	for _, k := range []string{"timeout", "backoff"} {
		v := yamlpos.Map(n, k)
		if v == nil {
			continue
		}
		var d time.Duration
		if v.Decode(&d) == nil && d == 0 {
			return yamlpos.Errorf(s.Path, v.Line, "%s: %s: %s is not allowed: omit %s for the default (%s), or give a positive duration",
				what, k, v.Value, k, map[string]time.Duration{"timeout": DefaultTimeout, "backoff": DefaultBackoff}[k])
		}
	}
	return nil
}

// validMethod: the methods a check may send (net/http's names, spelt out so
// that this package does not link net/http).
func validMethod(m string) bool {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
		return true
	}
	return false
}

// lineOf is the line of the deepest key of keys found under n (n's own line
// when none is found).
func lineOf(n *yaml.Node, keys ...string) int {
	if n == nil {
		return 1
	}
	line := n.Line
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			break
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			break
		}
	}
	return line
}
