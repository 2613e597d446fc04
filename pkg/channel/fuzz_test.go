package channel

import (
	"errors"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// FuzzParse: any bytes yield a channels file or an invalid-input error,
// never a panic; every channel of a parsed file is reachable by name.
func FuzzParse(f *testing.F) {
	f.Add([]byte("channels:\n  edge:\n    release: r.yaml\n    values: [v.yaml]\n    ignoreRepos: [nats]\n"))
	f.Add([]byte("channels: {a: {release: x, promotesFrom: b}}\ncompatibility: {mongo: {allowedTags: [\"7.0.*\"]}}\n"))
	f.Add([]byte("channels:\n  edge:\n    release: r.yaml\n  edge:\n    release: s.yaml\n"))
	f.Add([]byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("/fuzz/channels.yaml", data)
		if err != nil {
			var e *exit.Error
			if !errors.As(err, &e) || e.Code != exit.Invalid {
				t.Fatalf("error is not invalid input: %v", err)
			}
			return
		}
		for _, n := range file.Names() {
			if _, err := file.Channel(n); err != nil {
				t.Fatalf("channel %q listed but not found: %v", n, err)
			}
		}
	})
}
