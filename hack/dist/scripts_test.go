package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// The Windows hook cannot run here (no PowerShell): these checks keep it
// consistent with plugin.yaml and install.sh, statically.
func TestInstallPS1MatchesPluginYAML(t *testing.T) {
	ps1 := read(t, "../../scripts/install.ps1")
	raw := read(t, "../../plugin.yaml")
	var meta struct {
		Version         string `json:"version"`
		PlatformHooks   map[string][]struct{ OS, Command string }
		PlatformCommand []struct{ OS, Command string }
	}
	if err := yaml.Unmarshal([]byte(raw), &meta); err != nil {
		t.Fatal(err)
	}
	// the pattern install.ps1 reads plugin.yaml's version with (.NET and RE2 agree on it)
	m := regexp.MustCompile(`-Pattern '([^']+)'`).FindStringSubmatch(ps1)
	if m == nil {
		t.Fatal("install.ps1 reads no version from plugin.yaml")
	}
	got := regexp.MustCompile("(?m)" + m[1]).FindStringSubmatch(raw)
	if got == nil || got[1] != meta.Version {
		t.Fatalf("install.ps1's pattern %q finds %v in plugin.yaml, want %q", m[1], got, meta.Version)
	}
	for _, want := range []string{
		`$have = Get-StellaVersion $bin`, `if ($have -eq $version)`, // reuse only an exact version
		`Move-Item -Force $found $bin`,                              // a stale binary is replaced
		`Move-Item -Force $foundCore $core`,                         // with its core
		`(Test-Path $bin) -and (Test-Path $core)`,                   // reused only whole
		`if ($have -ne $version) { throw`,                           // the archive must hold plugin.yaml's version
		`Copy-Item -Force $core $complete`,                          // completion on Windows (the core answers it)
		"$env:HELM_STELLA_BIN_TGZ", "$env:HELM_STELLA_DOWNLOAD_URL", // same knobs as install.sh
	} {
		if !strings.Contains(ps1, want) {
			t.Errorf("install.ps1 lacks %s", want)
		}
	}
	for _, hook := range []string{"install", "update"} {
		var win bool
		for _, h := range meta.PlatformHooks[hook] {
			win = win || (h.OS == "windows" && strings.Contains(h.Command, `scripts\install.ps1`))
		}
		if !win {
			t.Errorf("plugin.yaml: no windows %s hook running scripts\\install.ps1", hook)
		}
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
