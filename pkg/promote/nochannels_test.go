package promote

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

func TestWithoutChannels(t *testing.T) {
	dir := t.TempDir()
	present := filepath.Join(dir, "channels.yaml")
	if err := os.WriteFile(present, []byte("channels: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nope.yaml")
	for _, c := range []struct {
		name, config, channel string
		want                  bool
	}{
		{"no channels file, no --channel", missing, "", true},
		{"no channels file, --channel asks for one", missing, "stable", false},
		{"a channels file", present, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &Promote{Config: c.config, Channel: c.channel}
			if got := p.withoutChannels(); got != c.want {
				t.Fatalf("withoutChannels = %v, want %v", got, c.want)
			}
		})
	}
}

// A plain chart's preflight skips alignment with one notice, refuses
// --require-stage without a manifest, and reads --release alone.
func TestPlainPreflight(t *testing.T) {
	var out strings.Builder
	p := &Promote{Config: filepath.Join(t.TempDir(), "channels.yaml")}
	progress := output.NewProgress(&out)
	st, err := p.plainPreflight(context.Background(), &Result{}, progress)
	if err != nil || st.channel != nil || st.manifest != nil || st.manifestPath != "" {
		t.Fatalf("plain preflight: %+v %v", st, err)
	}
	if n := strings.Count(out.String(), "alignment skipped"); n != 1 {
		t.Fatalf("want one notice, got %q", out.String())
	}
	p.Stage = &kube.Config{}
	if _, err := p.plainPreflight(context.Background(), &Result{}, progress); exit.CodeOf(err) != exit.Invalid || !strings.Contains(err.Error(), "--require-stage") {
		t.Fatalf("--require-stage without a manifest: %v", err)
	}
	p.Stage = nil
	p.ReleaseManifest = filepath.Join(t.TempDir(), "missing.yaml")
	if _, err := p.plainPreflight(context.Background(), &Result{}, progress); exit.CodeOf(err) != exit.Invalid {
		t.Fatalf("missing --release manifest: %v (exit %d)", err, exit.CodeOf(err))
	}
}

func TestValidateHistoryMax(t *testing.T) {
	p := &Promote{Release: "web", Chart: "./chart", ValuesFiles: []string{"v.yaml"}, Timeout: 1, MaxHistory: -1}
	if err := p.validate(); exit.CodeOf(err) != exit.Invalid || !strings.Contains(err.Error(), "--history-max") {
		t.Fatalf("negative --history-max: %v", err)
	}
	p.MaxHistory = 0 // no limit, as helm
	if err := p.validate(); err != nil {
		t.Fatalf("--history-max 0: %v", err)
	}
}
