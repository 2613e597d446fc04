package align

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

const zero = "sha256:0000000000000000000000000000000000000000000000000000000000000000"

// tree copies examples/stellaops/deploy into a temp dir and returns its root.
func tree(t *testing.T) string {
	t.Helper()
	src, dst := "../../examples/stellaops/deploy", filepath.Join(t.TempDir(), "deploy")
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// edit applies a string replacement to a file of the tree, failing when absent.
func edit(t *testing.T, root, file, old, new string) {
	t.Helper()
	p := filepath.Join(root, file)
	b, err := os.ReadFile(p)
	if err != nil || !strings.Contains(string(b), old) {
		t.Fatalf("edit %s: %q not found (%v)", file, old, err)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func newAlign(root, ch string) *Align {
	a := New(nil)
	a.SetConfig(filepath.Join(root, "channels.yaml"))
	a.Channel = ch
	return a
}

func problems(res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		if f.Status.Problem() {
			out = append(out, string(f.Status)+" "+f.Component+" "+filepath.Base(f.File)+":"+itoa(f.Line))
		}
	}
	return out
}

func TestExamplesAlignForEveryChannel(t *testing.T) {
	root := tree(t)
	for _, ch := range []string{"edge", "stable", "airgap", "local"} {
		for _, match := range []string{"name", "repository"} {
			a := newAlign(root, ch)
			a.Match = match
			res, err := a.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !res.Aligned || len(res.Findings) == 0 || res.Release.Channel != ch {
				t.Fatalf("%s/%s: aligned=%v problems=%q", ch, match, res.Aligned, problems(res))
			}
		}
	}
	a := New(nil)
	a.SetConfig(filepath.Join(root, "channels.yaml"))
	a.AllChannels = true
	res, err := a.Run(context.Background())
	if err != nil || !res.Aligned || len(res.Channels) != 4 {
		t.Fatalf("all channels: %v %+v", err, res.Channels)
	}
}

func TestDrift(t *testing.T) {
	d := "ce1e2cd15332a698e049f8527a497eb4f1ec9780d8ab43b1fa1a03bb5f340153"
	cases := []struct {
		name, file, old, new string
		ignore               string
		want                 string
	}{
		{"mismatch in values", "helm/stellaops/values-prod.yaml", "de65905c766bc33cb7bc96a8c5b18ff393bb95b10e8ef759b6efa3d648bd134e", zero[7:], "", "mismatch authority values-prod.yaml:13"},
		{"unpinned in compose", "compose/docker-compose.prod.yaml", "mongo:7.0.14@sha256:" + d, "mongo:7.0.14", "", "unpinned mongo docker-compose.prod.yaml:35"},
		{"missing in compose", "compose/docker-compose.stage.yaml", "  rustfs:\n    image: registry.stella-ops.org/stellaops/rustfs:2025.09.2@sha256:e34724e40ba128bf48dc15715cf58500b50c652bc571c559c476a71a912a6898\n    restart: unless-stopped\n", "", "", "missing rustfs 2025.09.2-stable.yaml:24"},
		{"unknown repository", "compose/docker-compose.stage.yaml", "  nats:\n", "  redis:\n    image: redis:7\n  nats:\n", "", "unknown redis docker-compose.stage.yaml:44"},
		{"unknown ignored", "compose/docker-compose.stage.yaml", "  nats:\n", "  redis:\n    image: redis:7\n  nats:\n", "redis", ""},
		{"incompatible tag", "channels.yaml", `allowedTags: ["7.0.*"]`, `allowedTags: ["6.0.*"]`, "", "incompatible mongo 2025.09.2-stable.yaml:20"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := tree(t)
			edit(t, root, c.file, c.old, c.new)
			a := newAlign(root, "stable")
			if c.ignore != "" {
				a.IgnoreRepos = []string{c.ignore}
			}
			res, err := a.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(problems(res), "|")
			if got != c.want || res.Aligned != (c.want == "") {
				t.Fatalf("problems = %q, want %q", got, c.want)
			}
		})
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	cases := []struct{ name, file, old, new, want string }{
		{"malformed values", "helm/stellaops/values-prod.yaml", "  authority:\n", "  authority: [\n", "values-prod.yaml:7:"},
		{"invalid digest", "compose/docker-compose.prod.yaml", "@sha256:de65905c", "@sha256:zz65905c", "docker-compose.prod.yaml:5:"},
		{"missing file", "channels.yaml", "values-prod.yaml", "values-nope.yaml", "values-nope.yaml: no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := tree(t)
			edit(t, root, "helm/stellaops/values-stage.yaml", "de65905c766b", "0000000000aa") // fixable drift elsewhere
			edit(t, root, c.file, c.old, c.new)
			before, _ := os.ReadFile(filepath.Join(root, "helm/stellaops/values-stage.yaml"))
			a := newAlign(root, "stable")
			a.Fix = true
			_, err := a.Run(context.Background())
			if exit.CodeOf(err) != exit.Invalid || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want exit 4 mentioning %q on one line", err, c.want)
			}
			after, _ := os.ReadFile(filepath.Join(root, "helm/stellaops/values-stage.yaml"))
			if string(before) != string(after) {
				t.Fatal("a file changed despite bad input")
			}
		})
	}
}

func TestJSONShape(t *testing.T) {
	root := tree(t)
	edit(t, root, "helm/stellaops/values-prod.yaml", "de65905c766bc33cb7bc96a8c5b18ff393bb95b10e8ef759b6efa3d648bd134e", zero[7:])
	res, err := newAlign(root, "stable").Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res)
	var v struct {
		Aligned  *bool
		Release  struct{ Version, Channel string }
		Findings []map[string]any
	}
	if err := json.Unmarshal(b, &v); err != nil || v.Aligned == nil || *v.Aligned || v.Release.Version != "2025.09.2" {
		t.Fatalf("shape: %s", b)
	}
	var f map[string]any
	for _, x := range v.Findings {
		if x["status"] != "aligned" {
			f = x
			break
		}
	}
	for _, k := range []string{"target", "component", "status", "expected", "found", "file", "line"} {
		if _, ok := f[k]; !ok {
			t.Fatalf("finding lacks %q: %v", k, f)
		}
	}
	if f["status"] != "mismatch" || f["found"] != zero || f["line"].(float64) != 13 {
		t.Fatalf("first finding = %v", f)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
