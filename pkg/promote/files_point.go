package promote

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// PointChannel rewrites channels.<name>.release to rel, changing only that
// scalar's characters (comments and layout stay).
func PointChannel(data []byte, name, rel string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	n := lookup(&doc, "channels", name, "release")
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil, fmt.Errorf("channels.%s.release: not found", name)
	}
	if n.Value == rel {
		return data, nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	line := lines[n.Line-1]
	col := n.Column - 1
	end := strings.Index(line[col:], n.Value)
	if end < 0 || n.Style != 0 && n.Style != yaml.DoubleQuotedStyle && n.Style != yaml.SingleQuotedStyle {
		return nil, fmt.Errorf("channels.%s.release (line %d): unsupported scalar style", name, n.Line)
	}
	lines[n.Line-1] = line[:col+end] + rel + line[col+end+len(n.Value):]
	return []byte(strings.Join(lines, "")), nil
}

func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}
