package align

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/output"
)

var update = flag.Bool("update", false, "rewrite golden files")

// drifted returns a stable tree with a mismatch in values and an unpinned
// image in compose, and the paths of those two files.
func drifted(t *testing.T) (root string, files []string) {
	root = tree(t)
	edit(t, root, "helm/stellaops/values-prod.yaml", "de65905c766bc33cb7bc96a8c5b18ff393bb95b10e8ef759b6efa3d648bd134e", zero[7:])
	edit(t, root, "compose/docker-compose.prod.yaml", "minio:RELEASE.2025-09-07T16-13-09Z@sha256:7f9b845ae0d685182591706bb34db3369cf13dacaca17e8f49dd6336cea6e87d", "minio:RELEASE.2025-09-07T16-13-09Z")
	return root, []string{filepath.Join(root, "helm/stellaops/values-prod.yaml"), filepath.Join(root, "compose/docker-compose.prod.yaml")}
}

func read(t *testing.T, files []string) []string {
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

func TestFixIsIdempotentAndRestoresTheExample(t *testing.T) {
	root, files := drifted(t)
	a := newAlign(root, "stable")
	a.Fix = true
	res, err := a.Run(context.Background())
	if err != nil || !res.Aligned || !res.Written || len(res.Changes) != 2 {
		t.Fatalf("fix: %v aligned=%v changes=%+v problems=%q", err, res.Aligned, res.Changes, problems(res))
	}
	orig := read(t, []string{"../../examples/stellaops/deploy/helm/stellaops/values-prod.yaml", "../../examples/stellaops/deploy/compose/docker-compose.prod.yaml"})
	if got := read(t, files); got[0] != orig[0] || got[1] != orig[1] {
		t.Fatal("fixed files are not byte-identical to the aligned example")
	}
	res, err = a.Run(context.Background())
	if err != nil || !res.Aligned || res.Written || len(res.Changes) != 0 {
		t.Fatalf("second fix: %v written=%v changes=%+v", err, res.Written, res.Changes)
	}
}

func TestFixDryRunWritesNothing(t *testing.T) {
	root, files := drifted(t)
	before := read(t, files)
	a := newAlign(root, "stable")
	a.Fix, a.DryRun = true, true
	res, err := a.Run(context.Background())
	if err != nil || res.Aligned || res.Written || len(res.Changes) != 2 {
		t.Fatalf("dry-run: %v %+v", err, res.Changes)
	}
	if !strings.Contains(res.Diff, "-      digest: \""+zero+"\"") || !strings.Contains(res.Diff, "+++ b/") {
		t.Fatalf("diff:\n%s", res.Diff)
	}
	if after := read(t, files); after[0] != before[0] || after[1] != before[1] {
		t.Fatal("dry-run wrote")
	}
}

func TestFixAllOrNothing(t *testing.T) {
	root, files := drifted(t)
	before := read(t, files)
	calls := 0
	rename = func(from, to string) error {
		if calls++; calls == 2 {
			return errors.New("disk full")
		}
		return os.Rename(from, to)
	}
	defer func() { rename = os.Rename }()
	a := newAlign(root, "stable")
	a.Fix = true
	if _, err := a.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "every file restored") {
		t.Fatalf("err = %v", err)
	}
	if after := read(t, files); after[0] != before[0] || after[1] != before[1] {
		t.Fatal("a failed fix left a file changed")
	}
	left, _ := filepath.Glob(filepath.Join(root, "*", ".*stella-*"))
	more, _ := filepath.Glob(filepath.Join(root, "*", "*", ".*stella-*"))
	if len(left)+len(more) > 0 {
		t.Fatalf("temp files left: %v %v", left, more)
	}
}

func TestTableGolden(t *testing.T) {
	wd, _ := os.Getwd()
	root, _ := drifted(t)
	edit(t, root, "compose/docker-compose.prod.yaml", "  nats:\n", "  redis:\n    image: redis:7\n  nats:\n")
	t.Chdir(filepath.Dir(root))
	a := newAlign("deploy", "stable")
	a.Values = []string{"deploy/helm/stellaops/values-prod.yaml"}
	a.Targets = []string{"deploy/compose/docker-compose.prod.yaml"}
	a.Fix, a.DryRun = true, true
	res, err := a.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// table: what needs attention and the summary; wide: every row
	for f, name := range map[output.Format]string{output.Table: "table.golden", output.Wide: "table-wide.golden"} {
		var b bytes.Buffer
		if err := Render(&b, f, res, output.Colorizer{}); err != nil {
			t.Fatal(err)
		}
		got := b.String()
		golden := filepath.Join(wd, "testdata", name)
		if *update {
			os.WriteFile(golden, []byte(got), 0o644)
		}
		want, _ := os.ReadFile(golden)
		if got != string(want) {
			t.Fatalf("-o %s differs from %s:\n%s", f, golden, got)
		}
	}
}
