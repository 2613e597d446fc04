package helmlog

import (
	"bytes"
	"fmt"
	"log"
	"slices"
	"sync"
	"testing"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"coalesce value cut off", []string{"warning: destination for app.image is a table. Ignoring non-table value (s3cr3t)"},
			[]string{"destination for app.image is a table. Ignoring non-table value"}},
		{"table over non-table value cut off", []string{"warning: cannot overwrite table with non table for app.image (map[tag:s3cr3t])"},
			[]string{"cannot overwrite table with non table for app.image"}},
		{"once each, order kept", []string{"warning: b", "warning: a", "warning: b", ""}, []string{"b", "a"}},
		{"other messages kept", []string{"warning: skipped value for app.x: Not a table."}, []string{"skipped value for app.x: Not a table."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); !slices.Equal(got, tt.want) {
				t.Fatalf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestCaptureHelmCoalesce: the real SDK's coalesce warning is caught once,
// untimestamped and without the value, and nothing reaches the logger's
// output outside the capture.
func TestCaptureHelmCoalesce(t *testing.T) {
	var stray bytes.Buffer
	r.mu.Lock()
	r.out = &stray
	r.mu.Unlock()
	ch := &chart.Chart{Metadata: &chart.Metadata{Name: "app"}, Values: map[string]any{"svc": map[string]any{"image": "repo:s3cr3t"}}}
	user := map[string]any{"svc": map[string]any{"image": map[string]any{"repository": "repo"}}}
	got, err := Capture(func() error {
		for range 2 { // lint and render both coalesce: still one warning
			if _, err := chartutil.CoalesceValues(ch, user); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"destination for app.svc.image is a table. Ignoring non-table value"}
	if !slices.Equal(got, want) {
		t.Fatalf("captured %q, want %q", got, want)
	}
	log.Print("outside")
	if stray.String() != "outside\n" {
		t.Fatalf("outside a capture the logger wrote %q, want the bare line", stray.String())
	}
}

// TestCaptureConcurrent: concurrent captures each get exactly their own
// lines (run with -race).
func TestCaptureConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, _ := Capture(func() error {
				for range 3 {
					log.Printf("warning: from %d", i)
				}
				return nil
			})
			if want := []string{fmt.Sprintf("from %d", i)}; !slices.Equal(got, want) {
				errs <- fmt.Errorf("capture %d got %q", i, got)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
