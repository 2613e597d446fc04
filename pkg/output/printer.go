package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// APIVersion is the apiVersion of every structured result (docs/output.md).
const APIVersion = "stella.ops/v1alpha1"

// Result is one command result for the structured printers: its kind, its
// value (a struct, encoded with its json tags, apiVersion and kind added in
// front) and the kind/name lines -o name prints.
type Result struct {
	Kind  string
	Value any
	Names []string
}

// List wraps items as the <kind>List result {apiVersion, kind, items}.
func List(kind string, items any, names []string) Result {
	return Result{Kind: kind + "List", Value: struct {
		Items any `json:"items"`
	}{items}, Names: names}
}

// Name is one -o name line: the lower-cased kind, a slash and the name.
func Name(kind, name string) string { return strings.ToLower(kind) + "/" + name }

// Names is -o name of items: one kind/name line each.
func Names[T any](kind string, items []T, name func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, Name(kind, name(it)))
	}
	return out
}

// Print writes r in the structured format f (anything but table and wide)
// through cli-runtime's printers; -o name prints r.Names one a line. A
// template that fails on r is invalid input naming the flag (exit 4).
func Print(w io.Writer, f Format, r Result) error {
	if f == NameFormat {
		for _, n := range r.Names {
			if _, err := fmt.Fprintln(w, n); err != nil {
				return err
			}
		}
		return nil
	}
	p, err := printerFor(f)
	if err != nil {
		return err
	}
	obj := &object{gvk: schema.FromAPIVersionAndKind(APIVersion, r.Kind), value: r.Value}
	var buf bytes.Buffer // a template failing half-way prints nothing
	if err := p.PrintObj(obj, &buf); err != nil {
		if f.IsTemplate() {
			return exit.InvalidInput("flag -o/--output: %s", firstLine(err.Error()))
		}
		return fmt.Errorf("print %s: %w", r.Kind, err)
	}
	_, err = buf.WriteTo(w)
	return err
}

// printerFor builds cli-runtime's printer for f: json, yaml and the
// jsonpath and go-template families (templates parsed here, so a bad one
// is refused before anything runs).
func printerFor(f Format) (printers.ResourcePrinter, error) {
	s := string(f)
	pf := genericclioptions.NewPrintFlags("")
	pf.OutputFormat = &s
	pf.NamePrintFlags = nil
	pf.JSONYamlPrintFlags.ShowManagedFields = true
	p, err := pf.ToPrinter()
	if err != nil {
		return nil, exit.InvalidInput("flag -o/--output: %s", firstLine(err.Error()))
	}
	return p, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// object is a result as a runtime.Object: apiVersion and kind, then the
// value's own fields in their order.
type object struct {
	gvk   schema.GroupVersionKind
	value any
}

func (o *object) GetObjectKind() schema.ObjectKind                { return o }
func (o *object) SetGroupVersionKind(gvk schema.GroupVersionKind) { o.gvk = gvk }
func (o *object) GroupVersionKind() schema.GroupVersionKind       { return o.gvk }
func (o *object) DeepCopyObject() runtime.Object                  { c := *o; return &c }

// MarshalJSON writes {"apiVersion":…,"kind":…, <the value's fields>}.
func (o *object) MarshalJSON() ([]byte, error) {
	head, err := json.Marshal(struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}{o.gvk.GroupVersion().String(), o.gvk.Kind})
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(o.value)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", o.gvk.Kind, err)
	}
	body = bytes.TrimSpace(body)
	if len(body) < 2 || body[0] != '{' {
		return nil, fmt.Errorf("encode %s: a result must be a JSON object", o.gvk.Kind)
	}
	if string(body) == "{}" {
		return head, nil
	}
	return append(append(head[:len(head)-1], ','), body[1:]...), nil
}
