package compose

import (
	"strings"

	interp "github.com/compose-spec/compose-go/v2/interpolation"
	"github.com/compose-spec/compose-go/v2/template"
)

// interpolation is how compose-go interpolates for us: env only, quietly.
// A string in the one form substituteSimple models exactly skips
// compose-go's regular expressions (most of a load's time at 2,000
// services); anything else is compose-go's own template.Substitute.
func interpolation(env map[string]string) *interp.Options {
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	return &interp.Options{
		LookupValue: lookup,
		Substitute: func(s string, m template.Mapping) (string, error) {
			if v, ok := substituteSimple(s, lookup); ok {
				return v, nil
			}
			return template.SubstituteWithOptions(s, m, template.WithoutLogging)
		},
	}
}

// substituteImages is compose-go's interpolation (interp.Interpolate) of a
// cut-down model without extends, when each service's image is a string or
// absent and none fails to interpolate; ok false: ask Interpolate itself
// (its errors, and what it does with an image that is not a string).
func substituteImages(cut map[string]any, env map[string]string) (map[string]string, bool) {
	services, _ := cut["services"].(map[string]any)
	opts := interpolation(env)
	images := make(map[string]string, len(services))
	for name, v := range services {
		svc, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		raw, present := svc["image"]
		s, isStr := raw.(string)
		if !present {
			continue
		}
		if !isStr {
			return nil, false
		}
		img, err := opts.Substitute(s, template.Mapping(opts.LookupValue))
		if err != nil {
			return nil, false
		}
		if img != "" {
			images[name] = img
		}
	}
	return images, true
}

// substituteSimple substitutes s when it has no "$" at all, or exactly one
// "${NAME}", "${NAME:-default}" or "${NAME-default}" (NAME in ASCII letters,
// digits and "_", not starting with a digit; the default without "$", "{",
// "}" or a line break) and no other brace: what compose-go's template
// package gives for those (FuzzSubstituteSimple compares the two). ok is
// false for anything else.
func substituteSimple(s string, lookup func(string) (string, bool)) (string, bool) {
	i := strings.IndexByte(s, '$')
	if i < 0 {
		return s, true // compose-go's pattern starts with "$": nothing to substitute
	}
	if strings.Count(s, "$") != 1 || strings.Count(s, "{") != 1 || strings.Count(s, "}") != 1 ||
		i+2 >= len(s) || s[i+1] != '{' || !nameStart(s[i+2]) {
		return "", false
	}
	rest := s[i+2:]
	end := strings.IndexByte(rest, '}')
	if end < 0 {
		return "", false
	}
	body, after := rest[:end], rest[end+1:]
	n := 1
	for n < len(body) && nameChar(body[n]) {
		n++
	}
	name, op := body[:n], body[n:]
	var def string
	var soft bool
	switch {
	case op == "":
	case strings.HasPrefix(op, ":-"):
		def, soft = op[2:], true
	case strings.HasPrefix(op, "-"):
		def = op[1:]
	default:
		return "", false
	}
	if strings.ContainsAny(def, "\n\r") {
		return "", false
	}
	v, set := lookup(name)
	if op != "" && (!set || soft && v == "") {
		v = def
	}
	return s[:i] + v + after, true
}

func nameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func nameChar(c byte) bool  { return nameStart(c) || c >= '0' && c <= '9' }
