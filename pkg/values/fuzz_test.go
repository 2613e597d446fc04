package values

import (
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// FuzzParse: any bytes give images or an error, never a panic; re-pinning
// every image found yields bytes that parse again.
func FuzzParse(f *testing.F) {
	f.Add([]byte("image: reg.io/x:1@" + d1 + "\n"))
	f.Add([]byte("image:\n  repository: x\n  tag: \"1\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, img := range v.Images {
			edits, err := v.Pin(img, newDigest, "")
			if err != nil {
				continue
			}
			if _, err := yamlpos.Apply(data, edits); err != nil {
				t.Fatalf("edits of %s do not apply: %v", img.Key, err)
			}
		}
	})
}
