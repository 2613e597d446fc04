package yamlpos

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// Span is the byte range of a scalar's content in the raw file: inside the
// quotes for quoted scalars, the bare text for plain ones.
type Span struct{ Start, End int }

// ScalarSpan locates the raw bytes of scalar node n. It succeeds only when
// those bytes spell the node's value exactly (no escapes, no folding, no
// block scalar), so that replacing a substring of them is a surgical edit.
func (l *Lines) ScalarSpan(n *yaml.Node) (Span, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return Span{}, false
	}
	off := l.Offset(n.Line, n.Column)
	if off < 0 {
		return Span{}, false
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		off++ // past the opening quote
	}
	end := off + len(n.Value)
	if end > len(l.data) || !bytes.Equal(l.data[off:end], []byte(n.Value)) {
		return Span{}, false
	}
	return Span{Start: off, End: end}, true
}
