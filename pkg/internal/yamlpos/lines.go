package yamlpos

import (
	"bytes"
	"sort"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Lines maps (line, column) positions of yaml.v3 nodes to byte offsets, and
// byte offsets to the lines an editor shows. The two differ: yaml.v3 (like
// libyaml) skips a leading UTF-8 BOM without counting it in columns and
// counts "\r", NEL, U+2028 and U+2029 as line breaks, while editors, git and
// the messages of this tool count "\n" only.
type Lines struct {
	data  []byte
	start []int // byte offset of each yaml.v3 line's first byte; start[0] is line 1
	nl    []int // byte offsets of every '\n'
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// NewLines indexes data by line.
func NewLines(data []byte) *Lines {
	first := 0
	if bytes.HasPrefix(data, bom) {
		first = len(bom)
	}
	l := &Lines{data: data, start: []int{first}}
	for i := first; i < len(data); {
		switch b := data[i]; {
		case b == '\n':
			l.nl = append(l.nl, i)
			l.start = append(l.start, i+1)
		case b == '\r' && (i+1 >= len(data) || data[i+1] != '\n'):
			l.start = append(l.start, i+1)
		case b == 0xC2 && i+1 < len(data) && data[i+1] == 0x85, // NEL
			b == 0xE2 && i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9): // LS, PS
			_, w := utf8.DecodeRune(data[i:])
			l.start = append(l.start, i+w)
			i += w
			continue
		}
		i++
	}
	return l
}

// Offset returns the byte offset of yaml.v3's 1-based line and rune column, or -1.
func (l *Lines) Offset(line, col int) int {
	if line < 1 || line > len(l.start) || col < 1 {
		return -1
	}
	off := l.start[line-1]
	for c := 1; c < col; c++ {
		if off >= len(l.data) || l.data[off] == '\n' {
			return -1
		}
		_, w := utf8.DecodeRune(l.data[off:])
		off += w
	}
	return off
}

// LineAt is the 1-based line (counting "\n" only) of byte offset off.
func (l *Lines) LineAt(off int) int {
	return sort.SearchInts(l.nl, off) + 1
}

// Line is the line an editor shows for node n (n.Line when n cannot be placed).
func (l *Lines) Line(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	off := l.Offset(n.Line, n.Column)
	if off < 0 {
		return n.Line
	}
	return l.LineAt(off)
}

// LineEnd returns the offset just past the "\n" that ends the line holding
// byte offset off (or len(data)).
func (l *Lines) LineEnd(off int) int {
	i := sort.SearchInts(l.nl, off)
	if i < len(l.nl) {
		return l.nl[i] + 1
	}
	return len(l.data)
}

// EOL is the line ending of the line holding off: "\r\n" or "\n".
func (l *Lines) EOL(off int) string {
	end := l.LineEnd(off)
	if end >= 2 && end <= len(l.data) && l.data[end-1] == '\n' && l.data[end-2] == '\r' {
		return "\r\n"
	}
	if end == len(l.data) && len(l.nl) > 0 && l.nl[0] > 0 && l.data[l.nl[0]-1] == '\r' {
		return "\r\n" // last line without a newline: follow the file's first line
	}
	return "\n"
}
