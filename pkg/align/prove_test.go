package align

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// TestFixProofRestoresEveryFile: when a written file does not read back (as
// Helm and compose-go read it) as the pinned digest, every written file is
// restored and the run fails with exit 2 naming the component.
func TestFixProofRestoresEveryFile(t *testing.T) {
	root, files := drifted(t)
	before := read(t, files)
	defer func(f func()) { afterWrite = f }(afterWrite)
	afterWrite = func() { // someone (or something) rewrites the values file between write and proof
		b, _ := os.ReadFile(files[0])
		fixed := strings.Replace(string(b), "de65905c766bc33cb7bc96a8c5b18ff393bb95b10e8ef759b6efa3d648bd134e", zero[7:], 1)
		_ = os.WriteFile(files[0], []byte(fixed), 0o644)
	}
	a := newAlign(root, "stable")
	a.Fix = true
	_, err := a.Run(context.Background())
	if err == nil || exit.CodeOf(err) != exit.CheckFailed || !strings.Contains(err.Error(), "authority") || !strings.Contains(err.Error(), "every file restored") {
		t.Fatalf("err = %v (code %d), want exit 2 naming authority", err, exit.CodeOf(err))
	}
	if got := read(t, files); got[0] != before[0] || got[1] != before[1] {
		t.Fatal("files not restored after a failed proof")
	}
}
