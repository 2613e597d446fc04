package output

import (
	"bytes"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"table", "json", "yaml"} {
		if f, err := ParseFormat(s); err != nil || string(f) != s {
			t.Fatalf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
	_, err := ParseFormat("xml")
	if exit.CodeOf(err) != exit.Invalid {
		t.Fatalf("xml: want invalid input, got %v", err)
	}
}

func TestStructured(t *testing.T) {
	v := struct {
		B string `json:"b"`
		A int    `json:"a"`
	}{"x", 1}
	var j, y bytes.Buffer
	if err := Structured(&j, JSON, v); err != nil {
		t.Fatal(err)
	}
	if err := Structured(&y, YAML, v); err != nil {
		t.Fatal(err)
	}
	if j.String() != "{\n  \"b\": \"x\",\n  \"a\": 1\n}\n" {
		t.Fatalf("json = %q", j.String())
	}
	if y.String() != "a: 1\nb: x\n" {
		t.Fatalf("yaml = %q", y.String())
	}
}

func TestProgressChangeOnly(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b)
	p.Update("2/3 ready")
	p.Update("2/3 ready")
	p.Update("3/3 ready")
	if b.String() != "2/3 ready\n3/3 ready\n" {
		t.Fatalf("progress = %q", b.String())
	}
}

func TestColorOffWhenNotTTY(t *testing.T) {
	c := NewColorizer(&bytes.Buffer{}, false)
	if c.Bad("FAIL") != "FAIL" {
		t.Fatal("colour must be off on a non-TTY")
	}
}
