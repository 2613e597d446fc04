package align

import (
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/manifest"
)

func TestMirrorRef(t *testing.T) {
	const d = "sha256:4ce48bf80511c43d256ec874d6c802a9cb47223f797d7cdf06c5bd02e189b2b1"
	rm, err := image.ParseRegistryMap([]string{
		"mirror:5000/site/library=docker.io/library",
		"mirror:5000/site=registry.stella-ops.org",
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"registry.stella-ops.org/stellaops/authority:1.0@" + d: "mirror:5000/site/stellaops/authority@" + d,
		"docker.io/library/mongo:7.0@" + d:                     "mirror:5000/site/library/mongo@" + d,
		"mongo@" + d:                                           "mirror:5000/site/library/mongo@" + d,
		"quay.io/other/x@" + d:                                 "quay.io/other/x@" + d,
		"registry.stella-ops.org.evil/x@" + d:                  "registry.stella-ops.org.evil/x@" + d,
	}
	for in, want := range cases {
		r, err := image.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := MirrorRef(rm, manifest.Pin{Ref: r}); got != want {
			t.Errorf("%s → %s, want %s", in, got, want)
		}
	}
}
