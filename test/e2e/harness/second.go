package harness

import (
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
	p := &Private{t: t, Dir: t.TempDir(), Base: strconv.Itoa(secondBase())}
	if err := p.up(); err != nil {
		t.Fatalf("second control plane on port base %s: %v", p.Base, err)
	}
	return p
}

func secondBase() int {
	if s := os.Getenv("STELLA_SECOND_PORT_BASE"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	return apiPort() - 2 + 1000
}
