package image

import "testing"

const dg = "sha256:ce1e2cd15332a698e049f8527a497eb4f1ec9780d8ab43b1fa1a03bb5f340153"

func TestParse(t *testing.T) {
	cases := []struct {
		in, repo, name, tag, digest string
		wantErr                     bool
	}{
		{in: "mongo", repo: "docker.io/library/mongo", name: "mongo"},
		{in: "mongo:7.0.14@" + dg, repo: "docker.io/library/mongo", name: "mongo", tag: "7.0.14", digest: dg},
		{in: "registry.airgap.local:5000/stellaops/rustfs:2025.09.2", repo: "registry.airgap.local:5000/stellaops/rustfs", name: "rustfs", tag: "2025.09.2"},
		{in: "ghcr.io/a/b/c@" + dg, repo: "ghcr.io/a/b/c", name: "c", digest: dg},
		{in: "mongo@sha256:abc", wantErr: true},
		{in: "Upper/Case", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			r, err := Parse(c.in)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, c.wantErr)
			}
			if c.wantErr {
				return
			}
			if r.Repository() != c.repo || r.Name() != c.name || r.Tag != c.tag || r.Digest != c.digest {
				t.Fatalf("got %s name=%s tag=%s digest=%s", r.Repository(), r.Name(), r.Tag, r.Digest)
			}
		})
	}
}

func TestParsePinned(t *testing.T) {
	cases := map[string]bool{
		"mongo@" + dg:        true,
		"x/y:1@" + dg:        true,
		"mongo:7":            false,
		"see mongo@" + dg:    false,
		"mongo@sha256:short": false,
		"2025-09-20":         false,
	}
	for in, want := range cases {
		if _, got := ParsePinned(in); got != want {
			t.Errorf("ParsePinned(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	r, _ := Parse("registry.airgap.local:5000/library/mongo:7@" + dg)
	if k := ByName.Key(r); k != "mongo" {
		t.Fatalf("name key = %q", k)
	}
	if k := ByRepository.Key(r); k != "registry.airgap.local:5000/library/mongo" {
		t.Fatalf("repository key = %q", k)
	}
	for p, want := range map[string]bool{"mongo": true, "library/mongo": true, "registry.airgap.local:5000/library/mongo": true, "nats": false, "": false} {
		if got := Matches(p, r); got != want {
			t.Errorf("Matches(%q) = %v", p, got)
		}
	}
	if _, err := ParseMatch("path"); err == nil {
		t.Fatal("ParseMatch(path) accepted")
	}
}

func TestRegistryMap(t *testing.T) {
	m, err := ParseRegistryMap([]string{"registry.airgap.local:5000=registry.stella-ops.org", "mirror.local/hub=docker.io"})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"registry.airgap.local:5000/stellaops/authority:1@" + dg: "registry.stella-ops.org/stellaops/authority:1@" + dg,
		"mirror.local/hub/library/mongo:7":                       "docker.io/library/mongo:7",
		"mirror.local/hubx/mongo":                                "mirror.local/hubx/mongo",
		"ghcr.io/x/y":                                            "ghcr.io/x/y",
	}
	for in, want := range cases {
		r, _ := Parse(in)
		if got := m.Apply(r).String(); got != want {
			t.Errorf("Apply(%s) = %s, want %s", in, got, want)
		}
	}
	if _, err := ParseRegistryMap([]string{"nope"}); err == nil {
		t.Fatal("accepted a map without =")
	}
}
