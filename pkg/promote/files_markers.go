package promote

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// markerEdit is the new content of one file whose version markers move.
type markerEdit struct {
	path     string
	old, new []byte
}

// planMarkers computes the version-marker edits of channel c for version
// (pure but for reading the files): each declared values key in each
// values file, each declared variable in each env file. A marker a file
// does not hold is a warning, not an error: profiles differ.
func planMarkers(c *channel.Channel, version string) ([]markerEdit, []string, error) {
	var edits []markerEdit
	var warnings []string
	apply := func(path string, keys []string, edit func([]byte, string, string) ([]byte, bool, error)) error {
		if len(keys) == 0 {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("version markers: %w", err)
		}
		next := data
		for _, k := range keys {
			n, found, err := edit(next, k, version)
			if err != nil {
				return fmt.Errorf("version marker %s in %s: %w", k, path, err)
			}
			if !found {
				warnings = append(warnings, fmt.Sprintf("version marker %s: not in %s", k, path))
			}
			next = n
		}
		if !bytes.Equal(next, data) {
			edits = append(edits, markerEdit{path: path, old: data, new: next})
		}
		return nil
	}
	for _, v := range c.Values {
		if err := apply(v, c.Versions.Values, setValuesKey); err != nil {
			return nil, nil, err
		}
	}
	for _, e := range c.AllEnvFiles() {
		if err := apply(e, c.Versions.Env, setEnvVar); err != nil {
			return nil, nil, err
		}
	}
	return edits, warnings, nil
}

// setValuesKey rewrites the scalar at dotted key to version, changing only
// its characters (quotes, comments and layout stay).
func setValuesKey(data []byte, dotted, version string) ([]byte, bool, error) {
	root, err := yamlpos.Decode("", data)
	if err != nil {
		return nil, false, err
	}
	n := root
	for _, k := range channel.Keys(dotted) {
		n = yamlpos.Map(n, k)
	}
	if n == nil {
		return data, false, nil
	}
	span, ok := yamlpos.NewLines(data).ScalarSpan(n)
	if !ok {
		return nil, true, fmt.Errorf("line %d: not a plain or quoted scalar", n.Line)
	}
	out, err := yamlpos.Apply(data, []yamlpos.Edit{yamlpos.Replace(span.Start, n.Value, version)})
	return out, true, err
}

// setEnvVar rewrites NAME=value lines of an env file to NAME=version,
// keeping the quote style of the old value.
func setEnvVar(data []byte, name, version string) ([]byte, bool, error) {
	re := regexp.MustCompile(`(?m)^(\s*(?:export\s+)?` + regexp.QuoteMeta(name) + `\s*=\s*)(["']?)([^"'\r\n#]*)(["']?)`)
	found := re.Match(data)
	out := re.ReplaceAllFunc(data, func(m []byte) []byte {
		sm := re.FindSubmatch(m)
		return []byte(string(sm[1]) + string(sm[2]) + strings.TrimSpace(version) + string(sm[4]))
	})
	return out, found, nil
}
