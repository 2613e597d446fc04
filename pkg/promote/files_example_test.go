package promote

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestFilesOnlyOnExample promotes a new stable manifest in a copy of the
// example deploy tree: exactly the channels file and the stable channel's
// values and compose files change, align passes, a rerun changes nothing.
func TestFilesOnlyOnExample(t *testing.T) {
	deploy, rel := exampleWithNewStable(t)
	run := func() *Result {
		p := NewFiles()
		p.Channel, p.ReleaseManifest, p.Config = "stable", rel, filepath.Join(deploy, "channels.yaml")
		res, err := p.Run(context.Background())
		if err != nil {
			t.Fatalf("files-only: %v", err)
		}
		return res
	}
	res := run()
	var changed []string
	for _, c := range res.Files.Changed {
		r, _ := filepath.Rel(deploy, c)
		changed = append(changed, filepath.ToSlash(r))
	}
	sort.Strings(changed)
	want := []string{"channels.yaml", "compose/docker-compose.prod.yaml", "compose/docker-compose.stage.yaml",
		"compose/env/prod.env.example", "compose/env/stage.env.example", "helm/stellaops/values-prod.yaml", "helm/stellaops/values-stage.yaml"}
	if strings.Join(changed, ",") != strings.Join(want, ",") {
		t.Fatalf("changed %v, want %v", changed, want)
	}
	if res.Files.Message != "deploy: promote 2025.10.0-stable" || !res.Files.Align.Aligned {
		t.Fatalf("message %q aligned %v", res.Files.Message, res.Files.Align.Aligned)
	}
	ch, _ := os.ReadFile(filepath.Join(deploy, "channels.yaml"))
	if !strings.Contains(string(ch), "release: releases/2025.10.0-stable.yaml") {
		t.Fatalf("channel not pointed:\n%s", ch)
	}
	if again := run(); len(again.Files.Changed) != 0 {
		t.Fatalf("rerun changed %v", again.Files.Changed)
	}
}

// exampleWithNewStable copies the example deploy tree into a temp dir and
// writes a new stable release manifest (the edge pins, version 2025.10.0)
// beside the others; it returns the tree and the manifest's path.
func exampleWithNewStable(t *testing.T) (deploy, rel string) {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("cp", "-r", "../../examples/stellaops/deploy", dir).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v: %s", err, out)
	}
	deploy = filepath.Join(dir, "deploy")
	edge, err := os.ReadFile(filepath.Join(deploy, "releases/2025.10.0-edge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	stable := strings.NewReplacer(`version: "2025.10.0-edge"`, `version: "2025.10.0"`, "channel: edge", "channel: stable").Replace(string(edge))
	rel = filepath.Join(deploy, "releases/2025.10.0-stable.yaml")
	if err := os.WriteFile(rel, []byte(stable), 0o644); err != nil {
		t.Fatal(err)
	}
	return deploy, rel
}

// TestFilesOnlyMovesVersionMarkers: the channel's declared markers
// (global.releaseVersion, STELLA_VERSION) name the new version afterwards,
// quotes and comments kept; other channels' markers are untouched.
func TestFilesOnlyMovesVersionMarkers(t *testing.T) {
	deploy, rel := exampleWithNewStable(t)
	p := NewFiles()
	p.Channel, p.ReleaseManifest, p.Config = "stable", rel, filepath.Join(deploy, "channels.yaml")
	if _, err := p.Run(context.Background()); err != nil {
		t.Fatalf("files-only: %v", err)
	}
	for file, want := range map[string]string{
		"helm/stellaops/values-prod.yaml":   `releaseVersion: "2025.10.0"`,
		"helm/stellaops/values-stage.yaml":  `releaseVersion: "2025.10.0"`,
		"compose/env/prod.env.example":      "\nSTELLA_VERSION=2025.10.0\n",
		"compose/env/stage.env.example":     "\nSTELLA_VERSION=2025.10.0\n",
		"helm/stellaops/values-airgap.yaml": `releaseVersion: "2025.09.2-airgap"`,
		"compose/env/airgap.env.example":    "\nSTELLA_VERSION=2025.09.2-airgap\n",
	} {
		data, err := os.ReadFile(filepath.Join(deploy, file))
		if err != nil || !strings.Contains(string(data), want) {
			t.Errorf("%s does not hold %q:\n%s", file, want, data)
		}
	}
}
