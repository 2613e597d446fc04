package yamlpos

import (
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

func TestDecodeDuplicateKeys(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"top level", "a: 1\nb: 2\na: 3\n", `f.yaml:3: duplicate key "a" (first at line 1)`},
		{"nested", "s:\n  x:\n    image: a\n  x:\n    image: b\n", `f.yaml:4: duplicate key "x" (first at line 2)`},
		{"in a list item", "l:\n  - n: 1\n    n: 2\n", `f.yaml:3: duplicate key "n" (first at line 2)`},
		{"same key in siblings is fine", "a:\n  x: 1\nb:\n  x: 2\n", ""},
		{"merge keys are not duplicates", "d: &d {x: 1}\ne:\n  <<: *d\n  <<: *d\n", ""},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode("f.yaml", []byte(c.doc))
			if c.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || err.Error() != c.want || exit.CodeOf(err) != exit.Invalid {
				t.Fatalf("got %v (code %d), want %q (code 4)", err, exit.CodeOf(err), c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error: %q", err)
			}
		})
	}
}
