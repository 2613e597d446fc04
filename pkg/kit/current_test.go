package kit

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/stella-ops/stella-plugins/pkg/channel"
	"github.com/stella-ops/stella-plugins/pkg/kitdir"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

// chartTree is tree plus a chart directory in the channel.
func chartTree(t *testing.T, pins map[string]string) string {
	cfg := tree(t, pins)
	dir := filepath.Dir(cfg)
	for p, body := range map[string]string{
		"chart/Chart.yaml":          "apiVersion: v2\nname: stellaops\nversion: 1.2.3\n",
		"chart/values.yaml":         "replicas: 1\n",
		"chart/templates/cm.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
		"chart/templates/NOTES.txt": "hi\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	appendTo(t, cfg, "    chart: chart\n")
	return cfg
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString(s)
		f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestCurrent: kitdir.Current finds a kit current exactly when nothing an
// images run reads or writes has changed; each change below makes it not
// current, and the full run it then takes makes it current again. For the
// intact kit, the rerun's table drawn from the kit alone (the helm-stella
// entry's answer) is byte for byte the full rerun's, which requests nothing.
func TestCurrent(t *testing.T) {
	src, _, all := loopback(t)
	pins := map[string]string{"a": push(t, src, "stellaops/a"), "b": push(t, src, "stellaops/b")}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, req *kitdir.Request, m *Manifest)
	}{
		{"intact", nil},
		{"values edited", func(t *testing.T, r *kitdir.Request, _ *Manifest) {
			appendTo(t, filepath.Join(filepath.Dir(r.Config), "values.yaml"), "b: 2\n")
		}},
		{"chart template edited", func(t *testing.T, r *kitdir.Request, _ *Manifest) {
			appendTo(t, filepath.Join(filepath.Dir(r.Config), "chart/templates/NOTES.txt"), "more\n")
		}},
		{"chart file added", func(t *testing.T, r *kitdir.Request, _ *Manifest) {
			if err := os.WriteFile(filepath.Join(filepath.Dir(r.Config), "chart/templates/new.yaml"), []byte("# x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"channels file edited", func(t *testing.T, r *kitdir.Request, _ *Manifest) { appendTo(t, r.Config, "# a comment\n") }},
		{"channels file named otherwise", func(t *testing.T, r *kitdir.Request, _ *Manifest) {
			r.Config = filepath.Dir(r.Config) + "/./channels.yaml"
		}},
		{"platform asked", func(t *testing.T, r *kitdir.Request, _ *Manifest) { r.Platform = "linux/amd64" }},
		{"layer truncated", func(t *testing.T, r *kitdir.Request, m *Manifest) {
			truncateLayer(t, r.KitDir, m.Images[0])
		}},
		{"index.json edited", func(t *testing.T, r *kitdir.Request, _ *Manifest) {
			appendTo(t, filepath.Join(r.KitDir, LayoutDir, "index.json"), " ")
		}},
		{"kit copy of the values edited", func(t *testing.T, r *kitdir.Request, _ *Manifest) {
			appendTo(t, filepath.Join(r.KitDir, "values", "values.yaml"), "c: 3\n")
		}},
		{"packaged chart removed", func(t *testing.T, r *kitdir.Request, m *Manifest) {
			for _, f := range m.Files {
				if f.Role == kitdir.RoleChart {
					os.Remove(filepath.Join(r.KitDir, f.Path))
				}
			}
		}},
		{"written by another build", func(t *testing.T, r *kitdir.Request, m *Manifest) {
			m.Inputs.Generator = "helm-stella 0.0.1 (commit x)"
			if err := os.WriteFile(filepath.Join(r.KitDir, ManifestPath), m.Marshal(), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"kit.json reformatted", func(t *testing.T, r *kitdir.Request, _ *Manifest) {
			appendTo(t, filepath.Join(r.KitDir, ManifestPath), "\n")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := NewImages()
			op.Config, op.Channel, op.KitDir, op.Registry.PlainHTTP = chartTree(t, pins), "airgap", filepath.Join(t.TempDir(), "kit"), true
			first, err := op.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			req := op.Request
			if m, why := kitdir.Current(req); m == nil {
				t.Fatalf("a fresh kit is not current: %s", why)
			}
			if tc.change != nil {
				tc.change(t, &req, first.Manifest)
				if m, _ := kitdir.Current(req); m != nil {
					t.Fatal("still current after the change")
				}
			}
			before := all.Load()
			op.Request = req
			again, err := op.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			m, why := kitdir.Current(req)
			if m == nil {
				t.Fatalf("not current after a full run: %s", why)
			}
			if tc.change == nil {
				if reqs := all.Load() - before; reqs != 0 {
					t.Fatalf("the full rerun of a current kit made %d requests", reqs)
				}
				var full, fast bytes.Buffer
				if err := RenderImages(&full, output.Table, again); err != nil {
					t.Fatal(err)
				}
				if err := kitdir.WriteImagesTable(&fast, &ImagesResult{Manifest: m, Present: []string{"a", "b"}}); err != nil {
					t.Fatal(err)
				}
				if full.String() != fast.String() || !strings.Contains(full.String(), "0 copied, 2 already present") {
					t.Fatalf("the table from the kit differs from the full rerun's:\n%s\nvs\n%s", fast.String(), full.String())
				}
			}
		})
	}
}

func truncateLayer(t *testing.T, kitDir string, img Image) {
	t.Helper()
	dir := filepath.Join(kitDir, LayoutDir)
	root, ok := kitdir.Root(dir, img.Digest)
	if !ok {
		t.Fatal("no root")
	}
	var layer string
	kitdir.Walk(dir, root, func(d v1.Descriptor, _ bool) {
		if d.MediaType.IsLayer() {
			layer = kitdir.BlobPath(dir, d.Digest)
		}
	})
	if layer == "" || os.Truncate(layer, 3) != nil {
		t.Fatal("no layer to truncate")
	}
}

// TestImagesRerunKeepsThePackagedChart: a rerun a second or more later,
// chart unchanged, does not package the chart again (Helm's archive would
// differ in its timestamps alone): kit.json and the archive stay as they were.
func TestImagesRerunKeepsThePackagedChart(t *testing.T) {
	src, _, _ := loopback(t)
	op := NewImages()
	op.Config, op.Channel, op.KitDir, op.Registry.PlainHTTP = chartTree(t, map[string]string{"a": push(t, src, "stellaops/a")}), "airgap", filepath.Join(t.TempDir(), "kit"), true
	if _, err := op.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	kitJSON := filepath.Join(op.KitDir, ManifestPath)
	before, _ := os.ReadFile(kitJSON)
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(1100 * time.Millisecond))) // into the next second
	if _, err := op.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(kitJSON)
	if !bytes.Equal(before, after) {
		t.Fatalf("kit.json changed on a rerun with nothing new:\n%s\nvs\n%s", before, after)
	}
}

func TestDefaultConfigIsTheChannelsDefault(t *testing.T) {
	if kitdir.DefaultConfig != channel.DefaultPath {
		t.Fatalf("kitdir.DefaultConfig %q, channel.DefaultPath %q", kitdir.DefaultConfig, channel.DefaultPath)
	}
}
