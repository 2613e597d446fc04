package smoke

import (
	"fmt"
	"regexp"
	"strings"
	"text/template"

	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// Vars are the values suite templates read: {{ .Release }}, {{ .Namespace }},
// {{ .Channel }} (--channel) and {{ .Version }} (the channel's release manifest).
type Vars struct {
	Release   string `json:"release"`
	Namespace string `json:"namespace"`
	Channel   string `json:"channel,omitempty"`
	Version   string `json:"version,omitempty"`
}

var hints = map[string]string{
	"Release": "pass RELEASE or set release: in the suite",
	"Channel": "pass --channel",
	"Version": "pass --channel with a channels file whose release manifest has a version",
}

func (v Vars) m() map[string]string {
	m := map[string]string{}
	for k, val := range map[string]string{"Release": v.Release, "Namespace": v.Namespace, "Channel": v.Channel, "Version": v.Version} {
		if val != "" {
			m[k] = val
		}
	}
	return m
}

var missingKey = regexp.MustCompile(`map has no entry for key "(\w+)"`)

// render executes one template string; errors are invalid input at path:line.
func render(path string, line int, s string, v Vars) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	t, err := template.New("").Option("missingkey=error").Parse(s)
	if err != nil {
		return "", yamlpos.Errorf(path, line, "template %q: %v", s, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, v.m()); err != nil {
		if m := missingKey.FindStringSubmatch(err.Error()); m != nil {
			hint := hints[m[1]]
			if hint == "" {
				hint = "known: .Release, .Namespace, .Channel, .Version"
			}
			return "", yamlpos.Errorf(path, line, "template %q: no value for .%s (%s)", s, m[1], hint)
		}
		return "", yamlpos.Errorf(path, line, "template %q: %v", s, err)
	}
	return b.String(), nil
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

func errAt(path string, line int, format string, a ...any) error {
	return yamlpos.Errorf(path, line, "%s", fmt.Sprintf(format, a...))
}
