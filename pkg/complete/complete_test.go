package complete

import (
	"reflect"
	"testing"
)

func TestFilter(t *testing.T) {
	cases := []struct {
		names  []string
		prefix string
		want   []string
	}{
		{[]string{"stellaops", "other", "stella-edge", "stellaops"}, "stella", []string{"stella-edge", "stellaops"}},
		{[]string{"b", "a"}, "", []string{"a", "b"}},
		{[]string{"a"}, "z", []string{}},
	}
	for _, c := range cases {
		if got := Filter(c.names, c.prefix); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Filter(%v, %q) = %v, want %v", c.names, c.prefix, got, c.want)
		}
	}
}

func TestChannelsOfExample(t *testing.T) {
	got := Channels("../../examples/stellaops/deploy/channels.yaml", "")
	if want := []string{"airgap", "edge", "local", "stable"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Channels = %v, want %v", got, want)
	}
	if got := Channels("/nonexistent/channels.yaml", ""); len(got) != 0 {
		t.Fatalf("missing file must complete nothing, got %v", got)
	}
}
