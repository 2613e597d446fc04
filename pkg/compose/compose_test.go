package compose

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

const (
	d1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	d2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

func TestParseInterpolation(t *testing.T) {
	src := `# comment
name: demo
services:
  api:
    image: ${REG:-reg.io}/team/api:${VERSION}@` + d1 + `
  db:
    image: "${DB_IMAGE:-mongo}:7.0"
  builder:
    build: .
x-extra: {}
`
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"defaults", map[string]string{"VERSION": "1.0"}, "api=reg.io/team/api:1.0@" + d1 + "@5 db=docker.io/library/mongo:7.0@7"},
		{"env wins", map[string]string{"VERSION": "2", "REG": "mirror:5000", "DB_IMAGE": "reg.io/db"}, "api=mirror:5000/team/api:2@" + d1 + "@5 db=reg.io/db:7.0@7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(context.Background(), "c.yaml", []byte(src), c.env)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range f.Services {
				got = append(got, s.Name+"="+s.Ref.String()+"@"+itoa(s.Line))
			}
			if strings.Join(got, " ") != c.want {
				t.Fatalf("got %q want %q", got, c.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"malformed", "services:\n  a: [\n", "c.yaml:2:"},
		{"not compose", "global: {}\nservices: {}\n", "c.yaml: not a compose file"},
		{"bad digest", "services:\n  a:\n    image: x@sha256:12\n", "c.yaml:3: services.a.image"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(context.Background(), "c.yaml", []byte(c.yaml), nil)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || exit.CodeOf(err) != exit.Invalid {
				t.Fatalf("err = %v, want prefix %q (exit 4)", err, c.want)
			}
		})
	}
}

func TestPinKeepsVariables(t *testing.T) {
	cases := []struct{ in, tag, want string }{
		{"${REG}/x:${V}@" + d1, "9", "${REG}/x:${V}@" + d2},
		{"${REG:-a/b}/x:1.0", "2.0", "${REG:-a/b}/x:2.0@" + d2},
		{"'reg.io/x:1@" + d1 + "'", "", "'reg.io/x:1@" + d2 + "'"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			src := "services:\n  x:\n    image: " + c.in + "  # keep\n"
			f, err := Parse(context.Background(), "c.yaml", []byte(src), map[string]string{"REG": "r.io", "V": "1"})
			if err != nil {
				t.Fatal(err)
			}
			edits, err := f.Pin(f.Services[0], d2, c.tag)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := yamlpos.Apply(f.Data, edits)
			if want := "services:\n  x:\n    image: " + c.want + "  # keep\n"; string(out) != want {
				t.Fatalf("got %q want %q", out, want)
			}
		})
	}
	f, _ := Parse(context.Background(), "c.yaml", []byte("services:\n  x:\n    image: r.io/x@${D}\n"), map[string]string{"D": d1})
	if _, err := f.Pin(f.Services[0], d2, ""); err == nil || !strings.Contains(err.Error(), "variable") {
		t.Fatalf("digest from a variable: err = %v", err)
	}
}

func TestLoadExampleWithEnvFile(t *testing.T) {
	dir := "../../examples/stellaops/deploy/compose/"
	f, err := Load(context.Background(), dir+"docker-compose.airgap.yaml", []string{dir + "env/airgap.env.example"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Services) != 9 || f.Services[0].Ref.Repository() != "registry.airgap.local:5000/stellaops/authority" || f.Services[0].Ref.Tag != "2025.09.2-airgap" {
		t.Fatalf("services %+v", f.Services[0])
	}
	if msgs := Lint(context.Background(), dir+"docker-compose.airgap.yaml", []string{dir + "env/airgap.env.example"}); len(msgs) != 0 {
		t.Fatalf("lint: %q", msgs)
	}
	if _, err := Load(context.Background(), dir+"docker-compose.dev.yaml", []string{"missing.env"}); exit.CodeOf(err) != exit.Invalid {
		t.Fatalf("missing env file: %v", err)
	}
}

func TestLintReportsComposeErrors(t *testing.T) {
	dir := t.TempDir()
	p := dir + "/c.yaml"
	if err := writeFile(p, "services:\n  a:\n    image: x:1\n    ports: {bad: 1}\n"); err != nil {
		t.Fatal(err)
	}
	if msgs := Lint(context.Background(), p, nil); len(msgs) != 1 {
		t.Fatalf("lint = %q", msgs)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// TestImageModelSameImages: the cut-down model gives every service the
// image that compose-go's full load gives it (interpolation, x- anchors and
// merge keys, extends in the file and from another file, services without
// image, other fields that interpolate).
func TestImageModelSameImages(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "base.yaml"), []byte("services:\n  b:\n    image: r.io/base:${V}\n    environment: {A: \"${V}\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"R": "mirror:5000", "V": "1.0"}
	srcs := []string{
		"services:\n  a:\n    image: ${R:-r.io}/a:1@" + d1 + "\n    ports: [\"8080:80\"]\n    environment: [\"X=${V}\"]\n",
		"x-img: &img\n  image: r.io/x:${V}\n  restart: always\nservices:\n  a:\n    <<: *img\n    command: [\"sh\"]\n  b:\n    image: r.io/b:2\n    build: .\n",
		"services:\n  base:\n    image: r.io/base:1\n    deploy: {replicas: 2}\n  child:\n    extends: base\n    ports: [\"80\"]\n  other:\n    extends: {service: base}\n    image: r.io/other:3\n",
		"services:\n  e:\n    extends: {file: base.yaml, service: b}\n  nobuild:\n    build: {context: .}\n",
	}
	for _, src := range srcs {
		path := filepath.Join(dir, "compose.yaml")
		var config map[string]any
		if err := yaml.Unmarshal([]byte(src), &config); err != nil {
			t.Fatal(err)
		}
		got, err := serviceImages(context.Background(), path, imageModel(config), []byte(src), env)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		p, err := load(context.Background(), path, []byte(src), env, false)
		if err != nil {
			t.Fatalf("%s: full load: %v", src, err)
		}
		want := map[string]string{}
		for name, s := range p.Services {
			if s.Image != "" {
				want[name] = s.Image
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s: images %v, full load %v", src, got, want)
		}
	}
}
