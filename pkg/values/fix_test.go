package values

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

var update = flag.Bool("update", false, "rewrite golden files")

const newDigest = "sha256:abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcd"

func TestPinConventions(t *testing.T) {
	cases := []struct{ name, in, tag, want string }{
		{"string replace", "image: reg.io/x:1@" + d1 + "\n", "", "image: reg.io/x:1@" + newDigest + "\n"},
		{"string append + retag", "image: \"reg.io/x:1\" # c\n", "2", "image: \"reg.io/x:2@" + newDigest + "\" # c\n"},
		{"digest field", "image:\n  repository: x\n  tag: '1'\n  digest: '" + d1 + "'\n", "", "image:\n  repository: x\n  tag: '1'\n  digest: '" + newDigest + "'\n"},
		{"tag with digest", "image:\n  repository: x\n  tag: 1@" + d1 + "\n", "", "image:\n  repository: x\n  tag: 1@" + newDigest + "\n"},
		{"no digest, no convention: tag@", "image:\n  repository: x\n  tag: \"1\"\n", "", "image:\n  repository: x\n  tag: \"1@" + newDigest + "\"\n"},
		{"no digest, convention has digest: insert", "a:\n  repository: yy\n  digest: " + d1 + "\nimage:\n  repository: x\n  tag: \"1\"  # t\n  pullPolicy: Always\n", "",
			"a:\n  repository: yy\n  digest: " + d1 + "\nimage:\n  repository: x\n  tag: \"1\"  # t\n  digest: \"" + newDigest + "\"\n  pullPolicy: Always\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("v.yaml", []byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			img := f.Images[len(f.Images)-1]
			edits, err := f.Pin(img, newDigest, c.tag)
			if err != nil {
				t.Fatal(err)
			}
			out, err := yamlpos.Apply(f.Data, edits)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != c.want {
				t.Fatalf("got\n%s\nwant\n%s", out, c.want)
			}
			g, err := Parse("v.yaml", out)
			if err != nil || g.Images[len(g.Images)-1].Ref.Digest != newDigest {
				t.Fatalf("re-parse: %v %+v", err, g)
			}
		})
	}
}

func TestPinRefusesEscapes(t *testing.T) {
	f, err := Parse("v.yaml", []byte("image: \"reg.io/x:1\\u0040"+d1+"\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Pin(f.Images[0], newDigest, ""); err == nil || !strings.Contains(err.Error(), "v.yaml:1:") {
		t.Fatalf("err = %v", err)
	}
}

// TestFixGolden re-pins every image of a heavily commented file: the diff
// against the input must touch only digest and tag characters.
func TestFixGolden(t *testing.T) {
	in, err := os.ReadFile("testdata/commented.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("testdata/commented.yaml", in)
	if err != nil {
		t.Fatal(err)
	}
	var edits []yamlpos.Edit
	for _, img := range f.Images {
		if img.Ref.Name() == "nats" {
			continue
		}
		e, err := f.Pin(img, newDigest, "2025.10.0")
		if err != nil {
			t.Fatal(err)
		}
		edits = append(edits, e...)
	}
	out, err := yamlpos.Apply(in, edits)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		if strings.Contains(e.Text, "\n") && !strings.Contains(e.Text, "digest: ") {
			t.Fatalf("edit %+v is not a digest/tag edit", e)
		}
	}
	golden := "testdata/commented.fixed.golden"
	if *update {
		os.WriteFile(golden, out, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(want) {
		t.Fatalf("fixed file differs from %s:\n%s", golden, out)
	}
}
