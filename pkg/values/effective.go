package values

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// effective derives from the first document's yaml.v3 nodes the values Helm
// reads (chartutil.ReadValues: go-yaml v2 into interface{}, map keys made
// strings, then a JSON round trip: every number a float64), so that a file is
// parsed once. ok is false when the file uses a construct this does not
// model exactly; the caller then reads it with ReadValues itself:
//   - any "!" in the file (explicit tags, the "!" non-specific tag, %TAG:
//     yaml.v3 keeps no trace of "!" on its nodes, and go-yaml v2 reads
//     "! 1" as a string);
//   - a key that is not a string in go-yaml v2 (1, true, yes, ~, 1.5), an
//     alias or a collection;
//   - .inf and .nan (JSON cannot hold them: Helm refuses the file);
//   - a merge key whose value is not a map or a list of maps, and an alias
//     cycle (go-yaml v2 fails);
//   - more than aliasBudget nodes read through aliases (go-yaml v2 refuses
//     "excessive aliasing" only beyond 100 of them).
//
// Both parsers share libyaml's scanner (go-yaml v3 added comment handling
// only), so a scalar's text is the same in both; its type is go-yaml v2's
// resolve, mirrored in resolvePlain. FuzzEffective checks the result against
// chartutil.ReadValues itself.
func effective(root *yaml.Node, data []byte) (map[string]any, bool) {
	if bytes.IndexByte(data, '!') >= 0 {
		return nil, false
	}
	out := map[string]any{}
	if root == nil {
		return out, true
	}
	c := converter{active: map[*yaml.Node]bool{}}
	if root.Kind != yaml.MappingNode || !c.mapping(root, out) {
		return nil, false
	}
	return out, true
}

// aliasBudget bounds the nodes read through aliases, as go-yaml v2 counts
// them (every key and value decoded while an alias is being expanded).
const aliasBudget = 100

type converter struct {
	depth   int                 // aliases being expanded
	aliased int                 // nodes read through an alias
	active  map[*yaml.Node]bool // anchors being expanded: a cycle
}

// visit counts n as go-yaml v2's decoder does (or more): false when over budget.
func (c *converter) visit() bool {
	if c.depth > 0 {
		c.aliased++
	}
	return c.aliased <= aliasBudget
}

// expand reads anchor a through an alias with fn.
func (c *converter) expand(a *yaml.Node, fn func() bool) bool {
	if a == nil || c.active[a] {
		return false
	}
	c.active[a] = true
	c.depth++
	ok := fn()
	c.depth--
	delete(c.active, a)
	return ok
}

func (c *converter) value(n *yaml.Node) (v any, ok bool) {
	if !c.visit() {
		return nil, false
	}
	switch n.Kind {
	case yaml.AliasNode:
		ok = c.expand(n.Alias, func() bool { v, ok = c.value(n.Alias); return ok })
		return v, ok
	case yaml.ScalarNode:
		return scalar(n)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		return m, c.mapping(n, m)
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, e := range n.Content {
			if s[i], ok = c.value(e); !ok {
				return nil, false
			}
		}
		return s, true
	}
	return nil, false
}

// mapping sets n's keys in out in document order (go-yaml v2: a later key
// or merge overrides an earlier one).
func (c *converter) mapping(n *yaml.Node, out map[string]any) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !c.visit() || k.Kind != yaml.ScalarNode {
			return false
		}
		if k.Style == 0 && k.Value == "<<" {
			if !c.merge(v, out) {
				return false
			}
			continue
		}
		key, ok := scalar(k)
		s, isStr := key.(string)
		if !ok || !isStr {
			return false
		}
		if out[s], ok = c.value(v); !ok {
			return false
		}
	}
	return true
}

// merge applies a merge key's value: a map, an alias of one, or a list of
// them of which earlier ones win (go-yaml v2 applies them last to first).
func (c *converter) merge(v *yaml.Node, out map[string]any) bool {
	one := func(n *yaml.Node) bool {
		switch {
		case n.Kind == yaml.MappingNode:
			return c.visit() && c.mapping(n, out)
		case n.Kind == yaml.AliasNode && n.Alias != nil && n.Alias.Kind == yaml.MappingNode:
			return c.visit() && c.expand(n.Alias, func() bool { return c.visit() && c.mapping(n.Alias, out) })
		}
		return false
	}
	if v.Kind != yaml.SequenceNode {
		return one(v)
	}
	for i := len(v.Content) - 1; i >= 0; i-- {
		if !one(v.Content[i]) {
			return false
		}
	}
	return true
}

// scalar is the value of a scalar node after go-yaml v2 and the JSON round
// trip: quoted and block scalars are strings, plain ones are resolved.
func scalar(n *yaml.Node) (any, bool) {
	if !utf8.ValidString(n.Value) {
		return nil, false
	}
	switch n.Style {
	case 0:
		return resolvePlain(n.Value)
	case yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle, yaml.LiteralStyle, yaml.FoldedStyle:
		return n.Value, true
	}
	return nil, false
}

// v2Words are go-yaml v2's plain scalars resolved by table (YAML 1.1).
var v2Words = map[string]any{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"true": true, "True": true, "TRUE": true, "on": true, "On": true, "ON": true,
	"n": false, "N": false, "no": false, "No": false, "NO": false,
	"false": false, "False": false, "FALSE": false, "off": false, "Off": false, "OFF": false,
	"": nil, "~": nil, "null": nil, "Null": nil, "NULL": nil,
}

var v2Float = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// resolvePlain is go-yaml v2's resolve of an untagged plain scalar
// (go.yaml.in/yaml/v2 resolve.go), with numbers as JSON gives them back
// (float64). .inf and .nan are not modelled (JSON refuses them).
func resolvePlain(in string) (any, bool) {
	if in == "" {
		return nil, true
	}
	switch c := in[0]; {
	case c == '.':
		if strings.EqualFold(in, ".inf") || strings.EqualFold(in, ".nan") {
			return nil, false
		}
		if f, err := strconv.ParseFloat(in, 64); err == nil {
			return f, true
		}
		return in, true
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		return resolveNumber(in)
	case strings.ContainsRune("yYnNtTfFoO~", rune(c)):
		if v, ok := v2Words[in]; ok {
			return v, true
		}
	}
	return in, true
}

func resolveNumber(in string) (any, bool) {
	switch in {
	case "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return nil, false
	}
	if isTimestamp(in) {
		return in, true // go-yaml v2 gives a timestamp to interface{} as its text
	}
	plain := strings.ReplaceAll(in, "_", "")
	if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return float64(i), true
	}
	if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return float64(u), true
	}
	if v2Float.MatchString(plain) {
		if f, err := strconv.ParseFloat(plain, 64); err == nil {
			return f, true
		}
	}
	if rest, ok := strings.CutPrefix(plain, "0b"); ok {
		if i, err := strconv.ParseInt(rest, 2, 64); err == nil {
			return float64(i), true
		}
		if u, err := strconv.ParseUint(rest, 2, 64); err == nil {
			return float64(u), true
		}
	} else if rest, ok := strings.CutPrefix(plain, "-0b"); ok {
		if i, err := strconv.ParseInt("-"+rest, 2, 64); err == nil {
			return float64(i), true
		}
	}
	return in, true
}

// isTimestamp is go-yaml v2's parseTimestamp: four digits, a dash, then one
// of its formats.
func isTimestamp(s string) bool {
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, format := range []string{"2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2"} {
		if _, err := time.Parse(format, s); err == nil {
			return true
		}
	}
	return false
}
