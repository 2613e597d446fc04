package smoke

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

func TestFind(t *testing.T) {
	const ex = "../../examples/stellaops/deploy/"
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	own := write("own.yaml", "checks:\n  - name: up\n    endpoints: {}\n")
	bad := write("bad.yaml", "checks:\n  - name: a\n    htp: {}\n")
	manifest, err := filepath.Abs(ex + "releases/2025.09.2-stable.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bare := write("channels.yaml", "channels:\n  bare:\n    release: "+manifest+"\n")
	cases := []struct {
		name    string
		where   Where
		path    string // "" = no suite
		channel string
		version string
		err     string // an exit-4 error containing this
	}{
		{name: "nothing named", where: Where{}},
		{name: "default only", where: Where{Default: own}, path: own},
		{name: "file wins over default", where: Where{File: own, Default: ex + "smoke.yaml"}, path: own},
		{name: "channel's suite", where: Where{Config: ex + "channels.yaml", Channel: "stable"},
			path: ex + "smoke.yaml", channel: "stable", version: "2025.09.2"},
		{name: "file wins over the channel's", where: Where{File: own, Config: ex + "channels.yaml", Channel: "stable", Default: bad},
			path: own, channel: "stable", version: "2025.09.2"},
		{name: "channel without suite: default", where: Where{Config: bare, Channel: "bare", Default: own},
			path: own, channel: "bare", version: "2025.09.2"},
		{name: "channel without suite, no default", where: Where{Config: bare, Channel: "bare"}, channel: "bare", version: "2025.09.2"},
		{name: "unknown channel", where: Where{File: own, Config: bare, Channel: "nope"}, err: "nope"},
		{name: "bad suite", where: Where{File: bad}, err: "bad.yaml:3: field htp not found"},
		{name: "missing default", where: Where{Default: filepath.Join(dir, "none.yaml")}, err: "none.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Find(c.where)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || exit.CodeOf(err) != exit.Invalid {
					t.Fatalf("err = %v (exit %d), want exit 4 containing %q", err, exit.CodeOf(err), c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Path != filepath.Clean(c.path) && f.Path != c.path || (f.Suite == nil) != (c.path == "") {
				t.Fatalf("path = %q (suite %v), want %q", f.Path, f.Suite != nil, c.path)
			}
			if f.Channel != c.channel || f.Version != c.version {
				t.Fatalf("channel, version = %q, %q; want %q, %q", f.Channel, f.Version, c.channel, c.version)
			}
		})
	}
}
