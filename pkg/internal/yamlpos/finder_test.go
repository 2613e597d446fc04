package yamlpos

import (
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestFinderAgreesWithLookup: on large mappings, with and without merge
// keys and aliases, the Finder answers exactly as Lookup for both
// semantics and every key (present or not).
func TestFinderAgreesWithLookup(t *testing.T) {
	var plain, merged strings.Builder
	plain.WriteString("base: &b {x: 1, y: 2}\nm:\n")
	merged.WriteString("base: &b {k3: over, y: 2}\nm:\n  <<: *b\n")
	for i := range 40 {
		fmt.Fprintf(&plain, "  k%d: v%d\n", i, i)
		fmt.Fprintf(&merged, "  k%d: v%d\n", i, i)
	}
	plain.WriteString("  al: *b\n")
	for _, src := range []string{plain.String(), merged.String()} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
			t.Fatal(err)
		}
		m := Map(doc.Content[0], "m")
		var f Finder
		for _, sem := range []Semantics{V2, V3} {
			for _, key := range []string{"k0", "k3", "k39", "al", "y", "missing"} {
				wv, wvia := Lookup(m, key, sem)
				gv, gvia := f.Lookup(m, key, sem)
				if wv != gv || len(wvia) != len(gvia) || (len(wvia) > 0 && wvia[0] != gvia[0]) {
					t.Errorf("sem %v key %q: Finder %v %v, Lookup %v %v", sem, key, gv, gvia, wv, wvia)
				}
			}
		}
	}
}
