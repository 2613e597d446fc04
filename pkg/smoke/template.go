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

func errAt(path string, line int, format string, a ...any) error {
	return yamlpos.Errorf(path, line, "%s", fmt.Sprintf(format, a...))
}
