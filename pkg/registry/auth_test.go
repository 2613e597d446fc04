package registry

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

func TestFileKeychain(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(p, []byte(`{"auths":{
	  "127.0.0.1:5000": {"auth": "dXNlcjpwYXNz"},
	  "https://mirror.example:443/": {"username": "u2", "password": "p2"}}}`), 0o600)
	cases := map[string][2]string{
		"127.0.0.1:5000":     {"user", "pass"},
		"mirror.example:443": {"u2", "p2"},
		"127.0.0.1:5001":     {"", ""},
	}
	for host, want := range cases {
		reg, _ := name.NewRegistry(host)
		a, err := fileKeychain{path: p}.Resolve(reg)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _ := a.Authorization()
		if cfg.Username != want[0] || cfg.Password != want[1] {
			t.Errorf("%s: %q/%q, want %q/%q", host, cfg.Username, cfg.Password, want[0], want[1])
		}
	}
	reg, _ := name.NewRegistry("127.0.0.1:5000")
	if a, _ := (fileKeychain{path: filepath.Join(t.TempDir(), "missing")}).Resolve(reg); a != authn.Anonymous {
		t.Error("a missing file must be anonymous")
	}
}
