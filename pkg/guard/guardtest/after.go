package guardtest

import (
	"context"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/release"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/lock"
)

// State is what a run left behind: the release's journal entries, Helm's
// last revision and whether the release's lock is still held.
type State struct {
	Entries []journal.Entry
	Last    *release.Release
	Locked  bool
}

// After reads the State of release name.
func After(t *testing.T, cfg *kube.Config, name string) State {
	t.Helper()
	ctx := context.Background()
	es, err := journal.New(cfg.Typed, cfg.Namespace).List(ctx, name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	last, err := cfg.Helm.Releases.Last(name)
	if err != nil {
		t.Fatal(err)
	}
	held, err := lock.Get(ctx, cfg.Typed, cfg.Namespace, name)
	if err != nil {
		t.Fatal(err)
	}
	return State{Entries: es, Last: last, Locked: held != nil}
}

// Check reports what differs from one journal entry with outcome entry
// ("" = no entry), Helm's last revision last and a released lock (when
// an entry was written).
func (s State) Check(t *testing.T, entry journal.Outcome, last int) {
	t.Helper()
	switch {
	case entry == "" && len(s.Entries) != 0:
		t.Errorf("%d journal entries, want none", len(s.Entries))
	case entry != "" && (len(s.Entries) != 1 || s.Entries[0].Outcome != entry):
		t.Errorf("journal %+v, want one entry %s", s.Entries, entry)
	}
	if s.Last.Version != last {
		t.Errorf("helm: last revision %d (%s), want %d", s.Last.Version, s.Last.Info.Status, last)
	}
	if entry != "" && s.Locked {
		t.Error("the lock is still held")
	}
}
