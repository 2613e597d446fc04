package promote

import (
	"strings"
	"testing"
)

const channelsFixture = `# channels
channels:
  edge:
    release: releases/2025.10.0-edge.yaml   # newest
    chart: helm/stellaops
  stable:
    release: "releases/2025.09.2-stable.yaml"
    promotesFrom: edge
`

func TestPointChannel(t *testing.T) {
	cases := []struct {
		name, channel, rel string
		want               string // the changed line; "" = unchanged
		err                string
	}{
		{"plain scalar keeps the comment", "edge", "releases/2025.11.0-edge.yaml", "    release: releases/2025.11.0-edge.yaml   # newest\n", ""},
		{"quoted scalar keeps its quotes", "stable", "releases/2025.10.0-stable.yaml", "    release: \"releases/2025.10.0-stable.yaml\"\n", ""},
		{"idempotent", "edge", "releases/2025.10.0-edge.yaml", "", ""},
		{"unknown channel", "airgap", "releases/x.yaml", "", "channels.airgap.release: not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := PointChannel([]byte(channelsFixture), c.channel, c.rel)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.want == "" {
				if string(out) != channelsFixture {
					t.Fatalf("changed:\n%s", out)
				}
				return
			}
			if !strings.Contains(string(out), c.want) {
				t.Fatalf("missing %q in:\n%s", c.want, out)
			}
			if diff := lineDiffs(channelsFixture, string(out)); diff != 1 {
				t.Fatalf("%d lines changed, want 1:\n%s", diff, out)
			}
		})
	}
}

func lineDiffs(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(al) != len(bl) {
		return -1
	}
	n := 0
	for i := range al {
		if al[i] != bl[i] {
			n++
		}
	}
	return n
}
