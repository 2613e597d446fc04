package manifest

import (
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/image"
)

const (
	d1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	d2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name, yaml, version string
		foreign             bool
		pins                []string // component=digest@line
	}{
		{"schema", `release: {version: "1.0", channel: stable}
components:
  - name: web
    image: reg.io/a/web:1.0@` + d1 + `
infrastructure:
  mongo:
    image: mongo:7@` + d2 + "\n", "1.0", false, []string{"mongo=" + d2 + "@7", "web=" + d1 + "@4"}},
		{"foreign: any pinned string", `spec:
  images: ["reg.io/a/web@` + d1 + `", "not an image", "nginx:1.27"]
  nested: {x: {y: "ghcr.io/o/db:2@` + d2 + `"}}
`, "", true, []string{"a/web=" + d1 + "@2", "o/db=" + d2 + "@3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte(c.yaml))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range m.Pins {
				got = append(got, p.Component+"="+p.Digest()+"@"+itoa(p.Line))
			}
			if m.Version != c.version || m.Foreign != c.foreign || strings.Join(got, " ") != strings.Join(c.pins, " ") {
				t.Fatalf("version=%q foreign=%v pins=%q", m.Version, m.Foreign, got)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"malformed", "release:\n  version: [\n", "m.yaml:2:"},
		{"unpinned component", "release: {version: x}\ncomponents:\n  - name: a\n    image: reg.io/a:1\n", "m.yaml:4: component \"a\": image \"reg.io/a:1\" is not pinned"},
		{"invalid digest", "release: {version: x}\ncomponents:\n  - name: a\n    image: reg.io/a@sha256:12\n", "m.yaml:4:"},
		{"duplicate", "release: {version: x}\ncomponents:\n  - {name: a, image: \"a@" + d1 + "\"}\n  - {name: a, image: \"b@" + d1 + "\"}\n", "m.yaml:4: component \"a\" already pinned at line 3"},
		{"no pins", "hello: world\n", "m.yaml: no image pinned by digest found"},
		{"empty", "", "m.yaml: no image pinned"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("m.yaml", []byte(c.yaml))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || exit.CodeOf(err) != exit.Invalid {
				t.Fatalf("err = %v, want prefix %q (exit 4)", err, c.want)
			}
		})
	}
}

func TestIndexConflict(t *testing.T) {
	m, err := Parse("m.yaml", []byte("a: reg.io/x/web@"+d1+"\nb: other.io/y/web@"+d2+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Index(image.ByName); err == nil || !strings.Contains(err.Error(), "--match repository") {
		t.Fatalf("by name: err = %v", err)
	}
	idx, err := m.Index(image.ByRepository)
	if err != nil || len(idx) != 2 {
		t.Fatalf("by repository: %v %v", idx, err)
	}
}

func TestLoadExamples(t *testing.T) {
	for _, p := range []string{"2025.10.0-edge", "2025.09.2-stable", "2025.09.2-airgap"} {
		m, err := Load("../../examples/stellaops/deploy/releases/" + p + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Pins) != 8 || m.Foreign || !strings.HasPrefix(p, m.Version[:7]) {
			t.Fatalf("%s: %d pins, version %q", p, len(m.Pins), m.Version)
		}
		if pin, ok := m.Pin("mongo"); !ok || !pin.Infrastructure {
			t.Fatalf("%s: mongo pin %+v", p, pin)
		}
	}
	if _, err := Load("nope.yaml"); exit.CodeOf(err) != exit.Invalid {
		t.Fatalf("missing file: %v", err)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
