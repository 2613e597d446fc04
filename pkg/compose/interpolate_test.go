package compose

import (
	"testing"

	"github.com/compose-spec/compose-go/v2/template"
)

// FuzzSubstituteSimple: wherever substituteSimple answers, compose-go's own
// template substitution gives the same string without error.
func FuzzSubstituteSimple(f *testing.F) {
	for _, s := range []string{"r.io/a:1", "${REG:-r.io}/a:1@x", "${REG}/a", "p/${A-x:-y}/q", "${a_1:-}", "${REG:-a-b}", "$${A}", "${A:?e}", "${A+x}", "{${A}}", "${Ab9-x?y+z}"} {
		f.Add(s, "mirror:5000", true)
		f.Add(s, "", true)
		f.Add(s, "", false)
	}
	f.Fuzz(func(t *testing.T, s, val string, set bool) {
		env := map[string]string{}
		if set {
			for _, k := range []string{"A", "REG", "a_1", "Ab9", "_"} {
				env[k] = val
			}
		}
		lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
		got, ok := substituteSimple(s, lookup)
		if !ok {
			return
		}
		want, err := template.SubstituteWithOptions(s, lookup, template.WithoutLogging)
		if err != nil || got != want {
			t.Fatalf("%q: substituteSimple %q, compose-go %q (%v)", s, got, want, err)
		}
	})
}

func TestSubstituteSimpleAnswers(t *testing.T) {
	lookup := func(k string) (string, bool) {
		return map[string]string{"REG": "m:5000", "E": ""}[k], k == "REG" || k == "E"
	}
	for s, want := range map[string]string{
		"r.io/a:1":               "r.io/a:1",
		"${REG:-r.io}/a:1":       "m:5000/a:1",
		"${E:-r.io}/a":           "r.io/a",
		"${E-r.io}/a":            "/a",
		"${UNSET-r.io}/a":        "r.io/a",
		"x/${UNSET}/a":           "x//a",
		"${REG:-a:-b-c}/a@sha:1": "m:5000/a@sha:1",
	} {
		if got, ok := substituteSimple(s, lookup); !ok || got != want {
			t.Errorf("%q: %q %v, want %q", s, got, ok, want)
		}
	}
	for _, s := range []string{"$${A}", "${A:?e}", "${A+x}", "${A}${B}", "${A:-${B}}", "${A.b}", "${1A}", "${A:x}"} {
		if _, ok := substituteSimple(s, lookup); ok {
			t.Errorf("%q: answered, want compose-go's own", s)
		}
	}
}
