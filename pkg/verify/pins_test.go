package verify

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/health"
)

const edgeAuthority = "sha256:afca4c4df2dadca510e8695fdcf40e5ea409783e275c66bc4f9a7612a08027c7"

func TestPins(t *testing.T) {
	cases := []struct {
		name           string
		o              Options
		source, phrase string
		code           exit.Code
	}{
		{"release manifest", Options{ReleaseManifest: "../../examples/stellaops/deploy/releases/2025.10.0-edge.yaml"},
			"../../examples/stellaops/deploy/releases/2025.10.0-edge.yaml", "release manifest 2025.10.0-edge", exit.OK},
		{"channel", Options{Channel: "edge", ChannelsFile: "../../examples/stellaops/deploy/channels.yaml"},
			"channel edge (../../examples/stellaops/deploy/releases/2025.10.0-edge.yaml)", "release manifest 2025.10.0-edge", exit.OK},
		{"explicit map", Options{ExpectedDigests: map[string]string{"authority": edgeAuthority}}, "flags", "--expected digests", exit.OK},
		{"explicit map, named source", Options{ExpectedDigests: map[string]string{"authority": edgeAuthority}, DigestSource: "bookmark b1 (revision 1's manifest)"},
			"bookmark b1 (revision 1's manifest)", "bookmark b1 (revision 1's manifest)", exit.OK},
		{"bad digest", Options{ExpectedDigests: map[string]string{"authority": "sha256:nothex"}}, "", "", exit.Invalid},
		{"unknown channel", Options{Channel: "nightly", ChannelsFile: "../../examples/stellaops/deploy/channels.yaml"}, "", "", exit.Invalid},
		{"missing manifest", Options{ReleaseManifest: "nope.yaml"}, "", "", exit.Invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, source, phrase, err := c.o.pins()
			if exit.CodeOf(err) != c.code {
				t.Fatalf("err = %v, want exit %d", err, c.code)
			}
			if c.code == exit.OK && (source != c.source || phrase != c.phrase || p["authority"] != edgeAuthority) {
				t.Fatalf("pins %v from %q (%q)", p, source, phrase)
			}
		})
	}
}

func TestIndexEvents(t *testing.T) {
	at := func(s int) metav1.Time { return metav1.NewTime(time.Date(2025, 1, 1, 0, 0, s, 0, time.UTC)) }
	var items []corev1.Event
	for i := 7; i >= 0; i-- { // newest first, as a LIST may return them
		items = append(items, corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Type: "Warning", Reason: "BackOff",
			Message: "Back-off", Count: int32(i%2 + 1), LastTimestamp: at(i),
			InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "p"}})
	}
	got := indexEvents(items)["ns/Pod/p"]
	if len(got) != maxEvents || got[0] != "2025-01-01T00:00:03Z Warning BackOff: Back-off (x2)" || got[4] != "2025-01-01T00:00:07Z Warning BackOff: Back-off (x2)" {
		t.Fatalf("last events, oldest first: %q", got)
	}
}

func TestAttachEventsOncePerPod(t *testing.T) {
	idx := map[string][]string{"ns/Pod/p": {"BackOff"}, "ns/Pod/q": {"Failed"}, "ns/Deployment/web": {"ScalingReplicaSet"}}
	ws := []Workload{
		{Namespace: "ns", Findings: []health.Finding{{Pod: "p", Container: "a"}, {Pod: "p", Container: "b"}, {Pod: "q"}}},
		{Namespace: "other", Findings: []health.Finding{{Pod: "p"}}},
	}
	ws[0].Kind, ws[0].Name = "Deployment", "web"
	attachEvents(ws, "ns", idx)
	var got []int
	for _, f := range ws[0].Findings {
		got = append(got, len(f.Events))
	}
	if fmt.Sprint(got) != "[1 0 1]" || len(ws[0].Events) != 1 || len(ws[1].Findings[0].Events) != 0 {
		t.Fatalf("events per finding %v, workload %v, other namespace %v", got, ws[0].Events, ws[1].Findings[0].Events)
	}
}
