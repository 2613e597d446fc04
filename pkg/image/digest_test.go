package image

import "testing"

func TestDigests(t *testing.T) {
	cases := []struct {
		in              string
		pinned, running string
	}{
		{in: "mongo:7@" + dg, pinned: dg, running: dg},
		{in: "reg.local:5000/a/b@" + dg, pinned: dg, running: dg},
		{in: "docker-pullable://repo@" + dg, pinned: dg, running: dg},
		{in: "docker-pullable://reg/a@sha256:ab", pinned: "sha256:ab", running: "sha256:ab"},
		{in: "reg/a@sha256:ab", pinned: "sha256:ab", running: "sha256:ab"},
		{in: dg, pinned: "", running: dg},
		{in: "sha256:ab", pinned: "", running: "sha256:ab"},
		{in: "repo@sha512:ab", pinned: "", running: "sha512:ab"},
		{in: "reg/a:1", pinned: "", running: ""},
		{in: "docker://sha256-less-image-name", pinned: "", running: ""},
		{in: "", pinned: "", running: ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := PinnedDigest(c.in); got != c.pinned {
				t.Errorf("PinnedDigest(%q) = %q, want %q", c.in, got, c.pinned)
			}
			if got := RunningDigest(c.in); got != c.running {
				t.Errorf("RunningDigest(%q) = %q, want %q", c.in, got, c.running)
			}
		})
	}
}
