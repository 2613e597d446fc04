package align

import (
	"context"
	"strings"
	"testing"
)

func TestLintExamples(t *testing.T) {
	root := tree(t)
	a := newAlign(root, "stable")
	a.Lint = true
	res, err := a.Run(context.Background())
	if err != nil || !res.Aligned {
		t.Fatalf("lint stable: %v %q", err, problems(res))
	}
	rendered := 0
	for _, f := range res.Findings {
		if f.Source == "rendered" {
			rendered++
		}
	}
	if rendered != 16 {
		t.Fatalf("rendered findings = %d, want 8 per values file", rendered)
	}
}

// A values key the chart ignores: the values look aligned, the render is not.
func TestLintCatchesIgnoredValuesKeys(t *testing.T) {
	root := tree(t)
	edit(t, root, "helm/stellaops/values-prod.yaml", "services:\n  authority:\n", "services:\n  authority-typo:\n")
	a := newAlign(root, "stable")
	a.Values = []string{root + "/helm/stellaops/values-prod.yaml"}
	a.Lint = true
	res, err := a.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problems(res), "|")
	if !strings.Contains(got, "mismatch authority services.yaml") || res.Aligned {
		t.Fatalf("problems = %q", got)
	}
}

func TestTemplateAt(t *testing.T) {
	f, l := templateAt("deploy/helm/c", "templates/", `render error in "c/templates/api.yaml": template: c/templates/api.yaml:12:3: executing "c/templates/api.yaml" at <.Values.x>: nil pointer`)
	if f != "deploy/helm/c/templates/api.yaml" || l != 12 {
		t.Fatalf("got %s:%d", f, l)
	}
	if f, l := templateAt("c", "templates/", "no template line"); f != "c/templates" || l != 0 {
		t.Fatalf("got %s:%d", f, l)
	}
}
