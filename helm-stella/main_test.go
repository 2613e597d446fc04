package main

import (
	"bytes"
	"testing"
)

// TestRerunDeclines: whatever the check does not cover goes to the core,
// and the entry writes nothing of its own first.
func TestRerunDeclines(t *testing.T) {
	kit := t.TempDir() // no kit.json: never current
	for name, args := range map[string][]string{
		"no arguments":      nil,
		"another command":   {"align", "--channel", "airgap"},
		"another kit verb":  {"offline-kit", "verify", kit},
		"flags first":       {"--debug", "offline-kit", "images", "--channel", "airgap", "--offline-kit-dir", kit},
		"json output":       {"offline-kit", "images", "--channel", "airgap", "--offline-kit-dir", kit, "-o", "json"},
		"name output":       {"offline-kit", "images", "--channel", "airgap", "--offline-kit-dir", kit, "-o=name"},
		"registry config":   {"offline-kit", "images", "--channel", "airgap", "--offline-kit-dir", kit, "--registry-config", "x"},
		"ca file":           {"offline-kit", "images", "--channel", "airgap", "--offline-kit-dir", kit, "--ca-file", "x"},
		"unknown flag":      {"offline-kit", "images", "--channel", "airgap", "--offline-kit-dir", kit, "--nope"},
		"an argument":       {"offline-kit", "images", "--channel", "airgap", "--offline-kit-dir", kit, "extra"},
		"help":              {"offline-kit", "images", "--help"},
		"no channel":        {"offline-kit", "images", "--offline-kit-dir", kit},
		"no kit dir":        {"offline-kit", "images", "--channel", "airgap"},
		"bad plain-http":    {"offline-kit", "images", "--channel", "airgap", "--offline-kit-dir", kit, "--plain-http=maybe"},
		"kit not current":   {"offline-kit", "images", "--channel", "airgap", "--offline-kit-dir", kit, "--plain-http"},
		"completion":        {"__complete", "offline-kit", "images", "--channel", ""},
		"images under help": {"help", "offline-kit", "images"},
	} {
		var out, errw bytes.Buffer
		if code, ok := rerun(args, &out, &errw); ok || code != 0 || out.Len()+errw.Len() != 0 {
			t.Errorf("%s: answered (%v, exit %d) and wrote %q %q; want it handed to the core", name, ok, code, out.String(), errw.String())
		}
	}
}
