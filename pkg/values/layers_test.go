package values

import (
	"fmt"
	"strings"
	"testing"
)

const d2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222"

// Merge locates each image of the merged values in the last file (Helm's
// -f order) that writes the value at fault.
func TestMergeBlamesLastWriter(t *testing.T) {
	base := "global:\n  channel: stable\nsvc:\n  image:\n    registry: reg.io\n    repository: x/y\n    tag: \"1\"\n    digest: " + d1 + "\n" +
		"other:\n  image: reg.io/o:1@" + d1 + "\n"
	cases := []struct {
		name, overlay string
		want          []string // key ref file:line
	}{
		{"overlay sets only the digest of a map", "svc:\n  image:\n    digest: " + d2 + "\n",
			[]string{"other.image reg.io/o:1@" + d1 + " base.yaml:10", "svc.image reg.io/x/y:1@" + d2 + " overlay.yaml:3"}},
		{"overlay sets other values: the base is at fault", "svc:\n  replicas: 2\npodAnnotations:\n  a: b\n",
			[]string{"other.image reg.io/o:1@" + d1 + " base.yaml:10", "svc.image reg.io/x/y:1@" + d1 + " base.yaml:8"}},
		{"overlay replaces a string image", "# hotfix\nother:\n  image: reg.io/o:2@" + d2 + "\n",
			[]string{"other.image reg.io/o:2@" + d2 + " overlay.yaml:3", "svc.image reg.io/x/y:1@" + d1 + " base.yaml:8"}},
		{"overlay sets the tag, base the digest: the digest is at fault", "svc:\n  image:\n    tag: \"2\"\n",
			[]string{"other.image reg.io/o:1@" + d1 + " base.yaml:10", "svc.image reg.io/x/y:2@" + d1 + " base.yaml:8"}},
		{"overlay's global registry applies to the base's map", "global:\n  imageRegistry: mirror:5000\n",
			[]string{"other.image reg.io/o:1@" + d1 + " base.yaml:10", "svc.image mirror:5000/x/y:1@" + d1 + " base.yaml:8"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Parse("base.yaml", []byte(base))
			if err != nil {
				t.Fatal(err)
			}
			o, err := Parse("overlay.yaml", []byte(c.overlay))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Merge(Layers([]string{b.Path, o.Path}), []*File{b, o})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, img := range m.Images {
				got = append(got, fmt.Sprintf("%s %s %s:%d", img.Key, img.Ref, img.File, img.Line))
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Fatalf("got  %q\nwant %q", got, c.want)
			}
			if m.Path != "base.yaml + overlay.yaml" || m.Values["global"] == nil {
				t.Fatalf("merged file %q values %v", m.Path, m.Values)
			}
		})
	}
}

// A bad digest written by an overlay is reported at the overlay's line.
func TestMergeErrorNamesLayer(t *testing.T) {
	b, _ := Parse("base.yaml", []byte("svc:\n  image:\n    repository: x/y\n    tag: \"1@"+d1+"\"\n"))
	o, _ := Parse("overlay.yaml", []byte("svc:\n  image:\n    digest: "+d2+"\n"))
	_, err := Merge("m", []*File{b, o})
	if err == nil || !strings.Contains(err.Error(), "overlay.yaml:3") {
		t.Fatalf("err = %v", err)
	}
}
