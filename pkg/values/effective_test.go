package values

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// asHelm checks effective against chartutil.ReadValues on data: when the
// fast path answers, Helm reads the file and reads the same values (types,
// and the printed form: -0 is not 0 to a template). It reports whether the
// fast path answered.
func asHelm(t *testing.T, data []byte) bool {
	t.Helper()
	docs, err := yamlpos.DecodeAll("t.yaml", data)
	if err != nil || len(docs) > 0 && docs[0] != nil && docs[0].Kind != 4 /* yaml.MappingNode */ {
		return false // Parse refuses it before reading values
	}
	var root = docs
	if len(root) == 0 {
		root = append(root, nil)
	}
	got, ok := effective(root[0], data)
	if !ok {
		return false
	}
	want, err := chartutil.ReadValues(data)
	if err != nil {
		t.Fatalf("effective read a file Helm refuses (%v):\n%s", err, data)
	}
	if !reflect.DeepEqual(got, map[string]any(want)) || fmt.Sprint(got) != fmt.Sprint(map[string]any(want)) {
		t.Fatalf("effective values differ from Helm's:\n got %#v\nwant %#v\n%s", got, map[string]any(want), data)
	}
	return true
}

func TestEffectiveAsHelm(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		fast       bool // the fast path answers (else ReadValues reads the file)
	}{
		{"plain strings and numbers", "a: x\nb: 1\nc: 1.10\nd: \"1.10\"\ne: 017\nf: 0x1F\ng: 1_000\nh: 1e3\ni: -0\nj: -0.0\nk: .5\nl: +12\nm: 0b101\nnb: -0b11\no: 0o17\np: 99999999999999999999\n", true},
		{"YAML 1.1 words", "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: ~\ng:\nh: null\ni: True\nj: 'yes'\n", true},
		{"timestamps stay text", "a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10\nd: 2001-13-14\n", true},
		{"block and quoted", "a: |\n  x: 1\n  y\nb: >-\n  folded\n  text\nc: \"esc\\t\\u00e9\\x41\"\nd: 'it''s'\n", true},
		{"keys", "\"1\": a\n'true': b\nx y: c\n2001-12-14: d\n", true},
		{"merge order", "d: &d {tag: \"1\", repository: r}\ne: &e {tag: \"2\", digest: x}\nimg:\n  tag: \"0\"\n  <<: [*d, *e]\n  repository: s\n", true},
		{"merge before and after", "d: &d {tag: \"1\"}\na:\n  <<: *d\n  tag: \"2\"\nb:\n  tag: \"2\"\n  <<: *d\nc:\n  <<: {tag: 3}\n", true},
		{"nested merges and aliases", "base: &b {image: {repository: r, tag: 1}}\nmid: &m\n  <<: *b\n  extra: [*b, 1]\ntop:\n  <<: *m\n  list: [&x a, *x]\n", true},
		{"lists and flow", "a: [1, yes, \"x\", {b: c}, [d]]\nb: []\nc: {}\n", true},
		{"multi-document: first only", "a: 1\n---\na: 2\n", true},
		{"empty", "", true},
		{"comments only", "# nothing\n", true},
		{"explicit tag", "a: !!str 1\n", false},
		{"non-specific tag", "a: ! 1\n", false},
		{"bang anywhere", "a: x # hello!\n", false},
		{"int key", "1: a\n", false},
		{"bool key", "yes: a\n", false},
		{"null key", "~: a\n", false},
		{"infinity", "a: .inf\n", false},
		{"nan", "a: .NaN\n", false},
		{"merge of a scalar", "a: &a 1\nb:\n  <<: *a\n", false},
		{"merge of a list of scalars", "b:\n  <<: [1]\n", false},
		{"alias cycle", "a: &a\n  b:\n    <<: *a\n", false},
		{"sequence cycle", "a: &a [*a]\n", false},
		{"excessive aliasing", laughs(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := asHelm(t, []byte(tc.yaml)); got != tc.fast {
				t.Fatalf("fast path answered %v, want %v", got, tc.fast)
			}
		})
	}
}

// laughs is a document that expands 10^3 nodes through aliases.
func laughs() string {
	var b strings.Builder
	b.WriteString("a: &a [x, x, x, x, x, x, x, x, x, x]\n")
	b.WriteString("b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n")
	b.WriteString("c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n")
	return b.String()
}

// FuzzEffective: whatever bytes the fast path reads, Helm's parser reads
// too and to the same values; seeds are the constructs it models.
func FuzzEffective(f *testing.F) {
	for _, s := range []string{
		"a: x\nb: 1\nc: 1.10\nd: 017\ne: 0x1F\nf: 1_000\ng: 1e3\nh: -0.0\ni: .5\nj: 0b101\n",
		"a: yes\nb: No\nc: on\nd: ~\ne:\nf: 2001-12-14\ng: 2001-12-14 21:59:43.10\n",
		"a: |\n  x\nb: >-\n  y\n  z\nc: \"e\\t\\u00e9\"\nd: 'it''s'\n\"1\": k\n",
		"d: &d {tag: \"1\", repository: r}\ne: &e {tag: 2, digest: x}\nimg:\n  tag: \"0\"\n  <<: [*d, *e]\n  repository: s\n",
		"base: &b {image: {repository: r, tag: 1}}\nmid: &m\n  <<: *b\n  extra: [*b, 1]\ntop:\n  <<: *m\n",
		"\uFEFFa: [1, yes, \"x\", {b: c}, [d]]\r\nb: []\r\n---\r\nc: 1\r\n",
		"a: plain\n  continued\nb: \"quoted\n  folded\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		asHelm(t, data)
		asHelm(t, []byte(genValues(data)))
	})
}
