package yamlpos

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// Span is a byte range [Start, End) of a file.
type Span struct{ Start, End int }

// ScalarSpan returns the byte range of a scalar's value in the raw file
// (without quotes, past any anchor "&a" or tag "!!str" written before it),
// when the raw bytes hold the value verbatim: plain scalars and quoted ones
// without escapes or line folding. Block and folded scalars never qualify.
func (l *Lines) ScalarSpan(n *yaml.Node) (Span, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return Span{}, false
	}
	off := l.Offset(n.Line, n.Column)
	if off < 0 {
		return Span{}, false
	}
	off = l.skipProperties(off)
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		if off >= len(l.data) || (l.data[off] != '"' && l.data[off] != '\'') {
			return Span{}, false
		}
		off++ // past the opening quote
	}
	end := off + len(n.Value)
	if end > len(l.data) || !bytes.Equal(l.data[off:end], []byte(n.Value)) {
		return Span{}, false
	}
	return Span{Start: off, End: end}, true
}

// skipProperties skips node properties (an anchor "&name", a tag "!…") and
// the blanks after them: yaml.v3 places a node at its first property.
func (l *Lines) skipProperties(off int) int {
	for off < len(l.data) && (l.data[off] == '&' || l.data[off] == '!') {
		for off < len(l.data) && !blank(l.data[off]) {
			off++
		}
		for off < len(l.data) && blank(l.data[off]) {
			off++
		}
	}
	return off
}

func blank(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }
