package values

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

const d1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

func TestParseConventions(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string // key convention ref line
	}{
		{"plain string digest", "a:\n  image: reg.io/x/y:1@" + d1 + "\n",
			[]string{"a.image string reg.io/x/y:1@" + d1 + " 2"}},
		{"plain string tag only", "image: nginx:1.27\n", []string{"image string docker.io/library/nginx:1.27 1"}},
		{"pinned string under any key", "foo:\n  bar: reg.io/x/y@" + d1 + "\n",
			[]string{"foo.bar string reg.io/x/y@" + d1 + " 2"}},
		{"bitnami map", "image:\n  registry: reg.io\n  repository: x/y\n  tag: \"1\"\n  digest: " + d1 + "\n",
			[]string{"image repository-map reg.io/x/y:1@" + d1 + " 5"}},
		{"ingress-nginx map", "controller:\n  image:\n    registry: reg.io\n    image: x/y\n    tag: \"1\"\n",
			[]string{"controller.image image-map reg.io/x/y:1 5"}},
		{"tag carries digest", "image:\n  repository: reg.io/x/y\n  tag: \"1@" + d1 + "\"\n",
			[]string{"image repository-map reg.io/x/y:1@" + d1 + " 3"}},
		{"global registry", "global:\n  imageRegistry: mirror:5000\nimage:\n  registry: reg.io\n  repository: x/y\n  tag: \"1\"\n",
			[]string{"image repository-map mirror:5000/x/y:1 6"}},
		{"global registry leaves strings", "global:\n  imageRegistry: mirror:5000\nimage: reg.io/x/y:1\n",
			[]string{"image string reg.io/x/y:1 3"}},
		{"sequence", "sidecars:\n  - name: a\n    image: reg.io/a:1\n", []string{"sidecars[0].image string reg.io/a:1 3"}},
		{"not images", "host: localhost:8080\npullPolicy: Always\nrepo:\n  repository: https://github.com/x/y\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("v.yaml", []byte(c.yaml))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, img := range f.Images {
				got = append(got, strings.Join([]string{img.Key, string(img.Convention), img.Ref.String(), strconv.Itoa(img.Line)}, " "))
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Fatalf("got %q\nwant %q", got, c.want)
			}
			if (len(c.want) == 0) != (len(f.Warnings) > 0) {
				t.Fatalf("warnings = %q", f.Warnings)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"malformed", "a:\n  b: [\n", "v.yaml:2:"},
		{"bad digest in string", "x:\n  image: reg.io/x@sha256:abc\n", "v.yaml:2:"},
		{"bad digest field", "image:\n  repository: x/y\n  digest: sha256:abc\n", "v.yaml:3:"},
		{"not a map", "- a\n", "v.yaml:1: values must be a map"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("v.yaml", []byte(c.yaml))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || exit.CodeOf(err) != exit.Invalid {
				t.Fatalf("err = %v, want prefix %q and exit 4", err, c.want)
			}
		})
	}
}
