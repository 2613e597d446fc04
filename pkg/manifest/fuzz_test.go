package manifest

import "testing"

// FuzzParse: any bytes yield a manifest or an error, never a panic, and a
// manifest always has pinned, sorted pins.
func FuzzParse(f *testing.F) {
	f.Add([]byte("release: {version: x}\ncomponents:\n  - {name: a, image: \"a@" + d1 + "\"}\n"))
	f.Add([]byte("x: [\"reg.io/a@" + d2 + "\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		for i, p := range m.Pins {
			if p.Digest() == "" {
				t.Fatalf("pin %s without digest", p.Component)
			}
			if i > 0 && m.Pins[i-1].Component > p.Component {
				t.Fatal("pins not sorted")
			}
		}
	})
}
