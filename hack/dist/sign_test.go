package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"helm.sh/helm/v3/pkg/provenance"
)

// testKeyring writes a fresh secret keyring for "Stella Test <t@stella.invalid>".
func testKeyring(t *testing.T) string {
	t.Helper()
	e, err := openpgp.NewEntity("Stella Test", "", "t@stella.invalid", nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "secring.gpg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := e.SerializePrivate(f, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSignVerifiesWithThePublishedKey(t *testing.T) {
	s, err := newSigner(testKeyring(t), "t@stella.invalid", "")
	if err != nil {
		t.Fatal(err)
	}
	dist := t.TempDir()
	tgz := filepath.Join(dist, "stella-0.1.0-linux-amd64.tgz")
	if err := os.WriteFile(tgz, []byte("not really a tarball, only bytes to sum"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.sign(tgz, "stella", "0.1.0"); err != nil {
		t.Fatal(err)
	}
	if err := s.publishKey(dist); err != nil {
		t.Fatal(err)
	}
	prov, err := os.ReadFile(tgz + ".prov")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(prov), "stella-0.1.0-linux-amd64.tgz: sha256:") || !strings.Contains(string(prov), "\n...\n") {
		t.Fatalf("provenance block:\n%s", prov)
	}
	v, err := provenance.NewFromKeyring(filepath.Join(dist, PublicKeyFile), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(tgz, tgz+".prov"); err != nil {
		t.Fatalf("verify with the published keyring: %v", err)
	}
	if err := os.WriteFile(tgz, []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(tgz, tgz+".prov"); err == nil || !strings.Contains(err.Error(), "sha256 sum does not match") {
		t.Fatalf("tampered archive: %v", err)
	}
}

func TestNewSigner(t *testing.T) {
	ring := testKeyring(t)
	for _, c := range []struct{ keyring, name, want string }{
		{"", "", ""},
		{ring, "", "-sign-name"},
		{ring, "nobody@else", "nobody@else"},
		{filepath.Join(t.TempDir(), "missing"), "x", "missing"},
	} {
		s, err := newSigner(c.keyring, c.name, "")
		if c.want == "" {
			if err != nil || s != nil {
				t.Errorf("no key: signer %v, err %v", s, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("newSigner(%q, %q): %v, want an error naming %q", c.keyring, c.name, err, c.want)
		}
	}
}
