package harness

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// StartSecond starts a second, independent control plane (own etcd, own
// ports, own certificates and kubeconfig; test/cluster/up.sh with its own
// state dir) for tests that span two clusters, stopped when t ends. Its
// ports start at STELLA_SECOND_PORT_BASE, by default STELLA_PORT_BASE+1000
// (37380 when neither is set), so two engineers' runs never share one.
func StartSecond(t *testing.T) *Private {
	t.Helper()
	var err error
	for try := range 3 {
		// the default base (STELLA_PORT_BASE+1000) lies below the kernel's
		// ephemeral port range (32768–60999 on Linux), but another process
		// may listen there: then random bases, below the shared one's
		base := secondBase()
		if try > 0 {
			base = 20000 + 10*rand.IntN(900)
		}
		p := &Private{t: t, Dir: t.TempDir(), Base: strconv.Itoa(base)}
		if err = p.up(); err == nil {
			return p
		}
		t.Logf("second control plane on port base %s: %v", p.Base, err)
		if os.Getenv("STELLA_SECOND_PORT_BASE") != "" {
			break
		}
	}
	t.Fatalf("second control plane: %v", err)
	return nil
}

func secondBase() int {
	if s := os.Getenv("STELLA_SECOND_PORT_BASE"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	return apiPort() - 2 + 1000
}
