package yamlpos

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

var lineRE = regexp.MustCompile(`line (\d+): (.*)`)

// Decode parses the first YAML document of data. An empty file yields a nil
// node and no error; malformed YAML is an invalid-input error "path:line: msg".
func Decode(path string, data []byte) (root *yaml.Node, err error) {
	defer func() { // yaml.v3 has panicked on hostile input before: never crash
		if r := recover(); r != nil {
			root, err = nil, exit.InvalidInput("%s: malformed YAML: %v", path, r)
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, Error(path, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	if err := noDuplicateKeys(path, doc.Content[0]); err != nil {
		return nil, err
	}
	return doc.Content[0], nil
}

// noDuplicateKeys rejects a mapping that repeats a key: yaml.v3's node API
// accepts it, while Helm and compose keep only one of the two values.
func noDuplicateKeys(path string, n *yaml.Node) error {
	if n.Kind == yaml.MappingNode && len(n.Content) <= 2*smallMap {
		if err := noDuplicateSmall(path, n); err != nil {
			return err
		}
	} else if n.Kind == yaml.MappingNode {
		seen := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Value == "<<" {
				continue
			}
			if first, ok := seen[k.Value]; ok {
				return Errorf(path, k.Line, "duplicate key %q (first at line %d)", k.Value, first)
			}
			seen[k.Value] = k.Line
		}
	}
	for _, c := range n.Content {
		if err := noDuplicateKeys(path, c); err != nil {
			return err
		}
	}
	return nil
}

// smallMap is the size up to which noDuplicateKeys compares keys pairwise
// rather than allocating a map (most mappings of a values file are small).
const smallMap = 8

// noDuplicateSmall is noDuplicateKeys' check of one small mapping: the
// first repeated key (in document order) against its first occurrence.
func noDuplicateSmall(path string, n *yaml.Node) error {
	for i := 2; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode || k.Value == "<<" {
			continue
		}
		for j := 0; j < i; j += 2 {
			if f := n.Content[j]; f.Kind == yaml.ScalarNode && f.Value == k.Value {
				return Errorf(path, k.Line, "duplicate key %q (first at line %d)", k.Value, f.Line)
			}
		}
	}
	return nil
}

// Error turns a yaml.v3 error into one "path:line: message" line (exit 4).
func Error(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(strings.TrimPrefix(msg, "unmarshal errors:\n"), "\n", "; ")
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		return exit.InvalidInput("%s:%s: %s", path, m[1], strings.TrimSpace(m[2]))
	}
	return exit.InvalidInput("%s: %s", path, strings.TrimSpace(msg))
}

// Errorf is an invalid-input error located at path:line.
func Errorf(path string, line int, format string, a ...any) error {
	return exit.InvalidInput("%s:%d: %s", path, line, fmt.Sprintf(format, a...))
}

// Map returns the value node of key in mapping node m, or nil.
func Map(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// Scalar returns the value of a string-like scalar node and whether it is one.
func Scalar(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	return n.Value, true
}
