package plan

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// secretWords mark a key (or a parent map) whose values are never shown.
var secretWords = []string{"password", "passwd", "secret", "token", "key", "credential", "cert", "private", "dsn", "connectionstring"}

// Secret reports whether a dotted values path looks like it holds a secret.
func Secret(path string) bool {
	p := strings.ToLower(strings.ReplaceAll(path, "_", ""))
	for _, seg := range strings.Split(p, ".") {
		for _, w := range secretWords {
			if strings.Contains(seg, w) && !strings.Contains(seg, "keyref") {
				return true
			}
		}
	}
	return false
}

// Diff compares user values by dotted path, sorted; secret-looking values
// are Masked (a change is still reported, never its content).
func Diff(from, to map[string]any) []Value {
	f, t, secret := map[string]string{}, map[string]string{}, map[string]bool{}
	flatten("", from, false, f, secret)
	flatten("", to, false, t, secret)
	paths := map[string]bool{}
	for k := range f {
		paths[k] = true
	}
	for k := range t {
		paths[k] = true
	}
	var out []Value
	for p := range paths {
		fv, fok := f[p]
		tv, tok := t[p]
		if fok && tok && fv == tv {
			continue
		}
		v := Value{Path: p, Change: "changed", From: fv, To: tv}
		switch {
		case !fok:
			v.Change = "added"
		case !tok:
			v.Change = "removed"
		}
		if secret[p] || Secret(p) || SecretValue(fv) || SecretValue(tv) {
			v.Masked = true
			v.From, v.To = mask(fok), mask(tok)
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// credentialShapes are values that are secrets whatever their key: a URL
// carrying a password (mongodb://user:pw@host), a PEM block, a JWT.
var credentialShapes = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:[^/\s@]+@|-----BEGIN [A-Z ]+-----|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.`)

// SecretValue reports whether a value looks like a credential by its shape.
func SecretValue(v string) bool { return credentialShapes.MatchString(v) }

func mask(present bool) string {
	if present {
		return Masked
	}
	return ""
}

// flatten writes leaf values as JSON, recursing maps and lists. A map
// whose own string values name a secret (env: [{name: DB_PASSWORD, value: …}])
// marks all its leaves secret.
func flatten(prefix string, v any, hidden bool, out map[string]string, secret map[string]bool) {
	switch c := v.(type) {
	case map[string]any:
		hidden = hidden || namesSecret(c)
		for k, x := range c {
			flatten(join(prefix, k), x, hidden, out, secret)
		}
		if len(c) > 0 || prefix == "" {
			return
		}
	case []any:
		for i, x := range c {
			flatten(fmt.Sprintf("%s[%d]", prefix, i), x, hidden, out, secret)
		}
		if len(c) > 0 {
			return
		}
	}
	if prefix == "" {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte("?")
	}
	out[prefix] = string(b)
	if hidden {
		secret[prefix] = true
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func namesSecret(m map[string]any) bool {
	for _, k := range []string{"name", "key"} {
		if s, ok := m[k].(string); ok && Secret(s) {
			return true
		}
	}
	return false
}
