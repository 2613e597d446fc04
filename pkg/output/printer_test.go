package output

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

type sample struct {
	Name  string   `json:"name"`
	Count int      `json:"count"`
	Tags  []string `json:"tags"`
}

func sampleResult() Result {
	return Result{Kind: "SampleResult", Value: &sample{"web", 2, []string{"b", "a"}},
		Names: []string{Name("Deployment", "web"), Name("StatefulSet", "db")}}
}

func TestParseFormatAccepts(t *testing.T) {
	tmpl := filepath.Join(t.TempDir(), "t.tmpl")
	if err := os.WriteFile(tmpl, []byte("{{.kind}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"table", "wide", "json", "yaml", "name", "jsonpath={.name}", "jsonpath-as-json={.tags}",
		"go-template={{.name}}", "go-template-file=" + tmpl, "flags"} {
		if f, err := ParseFormat(s, "flags"); err != nil || string(f) != s {
			t.Errorf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
}

func TestParseFormatRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"xml", `unknown format "xml"`},
		{"flags", `unknown format "flags"`}, // only where a command allows it
		{"kyaml", `unknown format "kyaml"`},
		{"jsonpath={.name", "unclosed action"},
		{"go-template={{.name", "unclosed action"},
		{"go-template-file=/nonexistent/t.tmpl", "no such file"},
		{"jsonpath=", "template format specified but no template given"},
	} {
		_, err := ParseFormat(tc.in)
		if exit.CodeOf(err) != exit.Invalid || !strings.HasPrefix(err.Error(), "flag -o/--output: ") ||
			!strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseFormat(%q): want one exit-4 line naming the flag and %q, got %v", tc.in, tc.want, err)
		}
	}
}

func TestPrint(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		want string
	}{
		{JSON, "{\n    \"apiVersion\": \"stella.ops/v1alpha1\",\n    \"kind\": \"SampleResult\",\n    \"name\": \"web\",\n    \"count\": 2,\n    \"tags\": [\n        \"b\",\n        \"a\"\n    ]\n}\n"},
		{YAML, "apiVersion: stella.ops/v1alpha1\ncount: 2\nkind: SampleResult\nname: web\ntags:\n- b\n- a\n"},
		{NameFormat, "deployment/web\nstatefulset/db\n"},
		{"jsonpath={.kind}/{.name}: {.tags[*]}", "SampleResult/web: b a"},
		{"jsonpath-as-json={.tags}", "[\n    [\n        \"b\",\n        \"a\"\n    ]\n]\n"},
		{"go-template={{.apiVersion}} {{range .tags}}<{{.}}>{{end}}", "stella.ops/v1alpha1 <b><a>"},
	} {
		var b bytes.Buffer
		if err := Print(&b, tc.f, sampleResult()); err != nil {
			t.Fatalf("%s: %v", tc.f, err)
		}
		if b.String() != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.f, b.String(), tc.want)
		}
	}
}

func TestPrintEmptyAndList(t *testing.T) {
	var b bytes.Buffer
	if err := Print(&b, "jsonpath={.kind} {.items}", List("Sample", []sample{}, nil)); err != nil {
		t.Fatal(err)
	}
	if b.String() != "SampleList []" {
		t.Fatalf("list = %q", b.String())
	}
	b.Reset()
	if err := Print(&b, JSON, Result{Kind: "Empty", Value: struct{}{}}); err != nil || !strings.Contains(b.String(), `"kind": "Empty"`) {
		t.Fatalf("empty = %q, %v", b.String(), err)
	}
}

func TestPrintErrors(t *testing.T) {
	var b bytes.Buffer
	err := Print(&b, "go-template={{.name.first}}", sampleResult())
	if exit.CodeOf(err) != exit.Invalid || !strings.HasPrefix(err.Error(), "flag -o/--output: ") || b.Len() != 0 {
		t.Fatalf("template failing on the result: want exit 4 naming the flag and nothing printed, got %v %q", err, b.String())
	}
	err = Print(&b, JSON, Result{Kind: "List", Value: []int{1}})
	if err == nil || exit.CodeOf(err) == exit.Invalid {
		t.Fatalf("a non-object result is a program error, got %v", err)
	}
}
