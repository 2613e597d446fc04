package compose

import (
	"context"
	"fmt"
	"os"
	"testing"
)

func writeFile(p, s string) error { return os.WriteFile(p, []byte(s), 0o644) }

// FuzzParse: any bytes give services or an error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte("services:\n  a:\n    image: ${R:-r.io}/a:1@" + d1 + "\n"))
	f.Add([]byte("name: x\nservices: {a: {build: .}}\n"))
	env := map[string]string{"R": "mirror:5000", "V": "1.0"}
	f.Add([]byte("name: p\nx-a: 1\nservices:\n  a: {image: \"r.io/a:${V}\", ports: [80]}\n  b:\n    extends: {service: a}\n    image: 1.5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := newSource("fuzz.yaml", data); err == nil {
			// the model read from the nodes is the decoded file's, cut down
			if got, want := fmt.Sprintf("%#v", s.model()), fmt.Sprintf("%#v", imageModel(s.config())); got != want {
				t.Fatalf("model %s, decoded %s\n%s", got, want, data)
			}
		}
		c, err := Parse(context.Background(), "fuzz.yaml", data, env)
		if err != nil {
			return
		}
		for _, s := range c.Services {
			if s.Ref.Path == "" {
				t.Fatalf("service %s without repository", s.Name)
			}
			_, _ = c.Pin(s, d2, "")
		}
	})
}
