package align

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const badDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

// Layered values (promote's -f a -f b) are merged as Helm merges them; every
// problem names the values file:line that writes the value at fault — the
// overlay when it sets the digest, the base when the overlay sets other
// values — in the values finding and on the rendered one.
func TestLayeredBlamesValuesFile(t *testing.T) {
	cases := []struct {
		name, overlay string
		breakBase     bool
		want          string // "values FILE:LINE" of every problem
	}{
		{"overlay sets a wrong digest", "# hotfix\nservices:\n  authority:\n    image:\n      digest: \"" + badDigest + "\"\n", false,
			"mismatch authority overlay.yaml:5 (rendered: false) from overlay.yaml:5|mismatch authority services.yaml (rendered):29 (rendered: true) from overlay.yaml:5"},
		{"base at fault, overlay sets annotations", "podAnnotations:\n  authority:\n    note: planned\n", true,
			"mismatch authority values-stage.yaml:13 (rendered: false) from values-stage.yaml:13|mismatch authority services.yaml (rendered):30 (rendered: true) from values-stage.yaml:13"},
		{"overlay without images aligns", "podAnnotations:\n  authority:\n    note: planned\n", false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := tree(t)
			if c.breakBase {
				edit(t, root, "helm/stellaops/values-stage.yaml", "sha256:de65905c", "sha256:00000000")
			}
			overlay := filepath.Join(root, "overlay.yaml")
			if err := os.WriteFile(overlay, []byte(c.overlay), 0o644); err != nil {
				t.Fatal(err)
			}
			a := newAlign(root, "stable")
			a.Values, a.Lint, a.Layered = []string{filepath.Join(root, "helm/stellaops/values-stage.yaml"), overlay}, true, true
			res, err := a.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				if f.Status.Problem() {
					got = append(got, fmt.Sprintf("%s %s %s:%d (rendered: %t) from %s:%d", f.Status, f.Component,
						filepath.Base(f.File), f.Line, f.Source != "", filepath.Base(f.ValuesFile), f.ValuesLine))
				}
			}
			if strings.Join(got, "|") != c.want || res.Aligned != (c.want == "") {
				t.Fatalf("got  %q\nwant %q", got, c.want)
			}
			if !strings.Contains(res.Findings[0].Target, " + ") {
				t.Errorf("target %q does not name both files", res.Findings[0].Target)
			}
		})
	}
}

// Layered values have no single file to fix: --fix is refused.
func TestLayeredRefusesFix(t *testing.T) {
	a := New(nil)
	a.Layered, a.Fix, a.Values = true, true, []string{"a.yaml"}
	if _, err := a.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "layered") {
		t.Fatalf("err = %v", err)
	}
}
