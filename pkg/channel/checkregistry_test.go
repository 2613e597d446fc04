package channel

import (
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

func TestCheckRegistrySetting(t *testing.T) {
	f, err := Parse("c.yaml", []byte("channels:\n  airgap:\n    release: r.yaml\n    checkRegistry: true\n  edge:\n    release: e.yaml\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Channels["airgap"].CheckRegistry || f.Channels["edge"].CheckRegistry {
		t.Fatalf("checkRegistry: airgap %v, edge %v", f.Channels["airgap"].CheckRegistry, f.Channels["edge"].CheckRegistry)
	}
	if _, err := Parse("c.yaml", []byte("channels:\n  airgap:\n    release: r.yaml\n    checkRegistry: maybe\n")); exit.CodeOf(err) != exit.Invalid {
		t.Fatalf("checkRegistry: maybe → %v, want exit 4", err)
	}
}
