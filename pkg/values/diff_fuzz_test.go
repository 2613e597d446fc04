package values

import (
	"fmt"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// genValues turns fuzz bytes into a values file written the way teams write
// them: anchors, aliases, merge keys (before or after the keys they
// override), lists, quoting styles, a BOM, CRLF line ends.
func genValues(seed []byte) string {
	i := 0
	next := func(n int) int {
		if i >= len(seed) {
			return 0
		}
		i++
		return int(seed[i-1]) % n
	}
	repos := []string{"reg.io/team/a", "reg.io/team/b", "mirror:5000/c"}
	digs := []string{d1, "sha256:" + strings.Repeat("2", 64), ""}
	quote := func(s string) string {
		switch next(3) {
		case 1:
			return "'" + s + "'"
		case 2:
			return `"` + s + `"`
		}
		return s
	}
	var b strings.Builder
	if next(4) == 0 {
		b.WriteString("\uFEFF")
	}
	b.WriteString("# generated\n")
	b.WriteString("defaults: &d\n  repository: " + repos[next(3)] + "\n  tag: " + quote("1.0") + "\n")
	if d := digs[next(3)]; d != "" {
		b.WriteString("  digest: " + quote(d) + "\n")
	}
	b.WriteString("pinned: &p " + quote(repos[next(3)]+":1@"+d1) + "\n")
	// tags as go-yaml v2 resolves them (YAML 1.1 numbers, words, timestamps)
	tags := []string{"1.10", "017", "1_0", "0x1F", "1e3", "-0", "yes", "2001-12-14", "~", ".5", "+12", "0b11", `"1.10"`}
	b.WriteString("more: &e\n  tag: " + tags[next(len(tags))] + "\n")
	if next(2) == 0 {
		b.WriteString("  digest: " + quote(digs[next(2)]) + "\n")
	}
	for c, n := 0, 1+next(6); c < n; c++ {
		fmt.Fprintf(&b, "c%d:\n", c)
		switch next(8) {
		case 6:
			b.WriteString("  image: {repository: " + repos[next(3)] + ", tag: " + tags[next(len(tags))] + "}\n")
		case 7:
			b.WriteString("  image:\n    <<: [*e, *d]\n    repository: " + repos[next(3)] + "\n")
			if next(2) == 0 {
				b.WriteString("    tag: " + tags[next(len(tags))] + "\n")
			}
		case 0:
			b.WriteString("  image: " + quote(repos[next(3)]+":2"+map[bool]string{true: "@" + d1}[next(2) == 0]) + "\n")
		case 1:
			b.WriteString("  image: *p\n")
		case 2:
			b.WriteString("  image: *d\n")
		case 3:
			b.WriteString("  image:\n")
			if next(2) == 0 {
				b.WriteString("    <<: *d\n")
			}
			b.WriteString("    repository: " + repos[next(3)] + "\n")
			if next(2) == 0 {
				b.WriteString("    tag: " + quote("3") + "\n")
			}
			if next(3) == 0 {
				b.WriteString("    <<: *d\n")
			}
		case 4:
			b.WriteString("  extraImages:\n    - " + quote(repos[next(3)]+":4@"+d1) + "\n    - *p\n")
		case 5:
			b.WriteString("  sidecars:\n    - name: s\n      image: &s" + fmt.Sprint(c) + " " + quote(repos[next(3)]+":5") + "\n    - image: !!str " + repos[next(3)] + ":6\n")
		}
	}
	s := b.String()
	if next(3) == 0 {
		s = strings.ReplaceAll(s, "\n", "\r\n")
	}
	return s
}

// helmRef is the image Helm's values parser gives at path (the reference
// oracle: sigs.k8s.io/yaml via chartutil.ReadValues, nothing of align's).
func helmRef(t *testing.T, data []byte, path []string) (image.Ref, bool) {
	vals, err := chartutil.ReadValues(data)
	if err != nil {
		t.Fatalf("helm cannot read: %v", err)
	}
	var v any = map[string]any(vals)
	for _, seg := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			var k int
			fmt.Sscanf(seg, "[%d]", &k)
			v = x[k]
		default:
			return image.Ref{}, false
		}
	}
	switch x := v.(type) {
	case string:
		r, err := image.Parse(x)
		return r, err == nil
	case map[string]any:
		s, _ := x["repository"].(string)
		if tag, ok := scalarString(x["tag"]); ok && tag != "" {
			s += ":" + tag
		}
		if d, _ := x["digest"].(string); d != "" {
			s += "@" + d
		}
		r, err := image.Parse(s)
		return r, err == nil
	}
	return image.Ref{}, false
}

// FuzzDifferential: align's effective image of every component is what
// Helm's parser decodes, before and after --fix; a fix that is planned pins
// exactly the new digest in Helm's reading.
func FuzzDifferential(f *testing.F) {
	for _, s := range []string{"", "\x00\x01\x02\x03", "\x03\x03\x03\x03\x03\x03\x03", "\x00\x00\x00\x01\x02\x03\x04\x05\x03\x02\x01\x00\x01", "\x01\x01\x01\x02\x05\x05\x05\x04\x04\x04\x03\x00\x02\x00"} {
		f.Add([]byte(s))
	}
	want := "sha256:" + strings.Repeat("9", 64)
	f.Fuzz(func(t *testing.T, seed []byte) {
		data := []byte(genValues(seed))
		asHelm(t, data) // the values read without Helm's parser are Helm's
		v, err := Parse("fuzz.yaml", data)
		if err != nil {
			t.Fatalf("generated values do not parse: %v\n%s", err, data)
		}
		var reqs []Request
		for _, img := range v.Images {
			if r, ok := helmRef(t, data, img.path); !ok || r.String() != img.Ref.String() {
				t.Fatalf("%s: align reads %s, Helm %s\n%s", img.Key, img.Ref, r, data)
			}
			if img.Convention == String && img.node != nil && img.node.Value != strings.TrimSpace(img.node.Value) {
				t.Fatalf("%s: located node %q", img.Key, img.node.Value)
			}
			reqs = append(reqs, Request{Image: img, Digest: want})
		}
		edits, err := v.PinAll(reqs)
		if err != nil {
			return // refused (shared value, block scalar …): nothing written
		}
		out, err := yamlpos.Apply(data, edits)
		if err != nil {
			t.Fatalf("edits do not apply: %v", err)
		}
		for _, img := range v.Images {
			if r, ok := helmRef(t, out, img.path); !ok || r.Digest != want {
				t.Fatalf("%s: after the fix Helm reads %s\n%s\n---\n%s", img.Key, r, data, out)
			}
		}
		if strings.Contains(string(data), "\r\n") && strings.Count(string(out), "\n") != strings.Count(string(out), "\r\n") {
			t.Fatalf("a line ending in LF was inserted into a CRLF file:\n%q", out)
		}
	})
}
