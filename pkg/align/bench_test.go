package align

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// benchTree writes a manifest of n components and targets values files plus
// composes compose files, each referencing every component.
func benchTree(b *testing.B, n, values, composes int) (manifest string, vs, cs []string) {
	dir := b.TempDir()
	var m, v, c strings.Builder
	m.WriteString("release: {version: \"1.0\", channel: bench}\ncomponents:\n")
	v.WriteString("# generated\nservices:\n")
	c.WriteString("services:\n")
	for i := 0; i < n; i++ {
		d := fmt.Sprintf("sha256:%064x", i+1)
		fmt.Fprintf(&m, "  - name: c%d\n    image: registry.example.org/team/c%d:1.0@%s\n", i, i, d)
		if i%2 == 0 { // half strings, half Bitnami maps
			fmt.Fprintf(&v, "  c%d:\n    image: registry.example.org/team/c%d:1.0@%s\n    replicas: 1\n", i, i, d)
		} else {
			fmt.Fprintf(&v, "  c%d:\n    image:\n      registry: registry.example.org\n      repository: team/c%d\n      tag: \"1.0\"\n      digest: %q\n", i, i, d)
		}
		fmt.Fprintf(&c, "  c%d:\n    image: ${REG:-registry.example.org}/team/c%d:1.0@%s\n", i, i, d)
	}
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			b.Fatal(err)
		}
		return p
	}
	manifest = write("release.yaml", m.String())
	for i := 0; i < values; i++ {
		vs = append(vs, write(fmt.Sprintf("values-%d.yaml", i), v.String()))
	}
	for i := 0; i < composes; i++ {
		cs = append(cs, write(fmt.Sprintf("compose-%d.yaml", i), c.String()))
	}
	return manifest, vs, cs
}

// BenchmarkAlign: 2,000 components × 20 targets, against the parse floor
// (BenchmarkParseFloor: yaml.v3 decode of the same files). hack/bench-align.sh
// prints the ratio.
func BenchmarkAlign(b *testing.B) {
	for _, n := range []int{500, 1000, 2000} {
		for _, mix := range []struct {
			name            string
			values, compose int
		}{{"values", 20, 0}, {"mixed", 10, 10}} {
			rel, vs, cs := benchTree(b, n, mix.values, mix.compose)
			b.Run(fmt.Sprintf("%s/n=%d", mix.name, n), func(b *testing.B) {
				for b.Loop() {
					a := New(nil)
					a.SetConfig(filepath.Join(b.TempDir(), "none.yaml"))
					a.Release, a.Values, a.Targets = rel, vs, cs
					a.configExplicit = false
					res, err := a.Run(context.Background())
					if err != nil || !res.Aligned {
						b.Fatalf("%v %v", err, res != nil && res.Aligned)
					}
				}
			})
			b.Run(fmt.Sprintf("%s-floor/n=%d", mix.name, n), func(b *testing.B) {
				files := append(append([]string{rel}, vs...), cs...)
				for b.Loop() {
					for _, f := range files {
						data, err := os.ReadFile(f)
						if err != nil {
							b.Fatal(err)
						}
						var v any
						if err := yaml.Unmarshal(data, &v); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}
