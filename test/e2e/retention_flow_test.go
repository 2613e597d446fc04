//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// retentionEnv is a copy of the example deploy tree whose channels file
// ends with a retention: block, and the promote/safe-rollback runs of one
// operator on it.
type retentionEnv struct {
	h              *harness.T
	tree, channels string
	suite, values  string
}

func newRetentionEnv(t *testing.T, block string) *retentionEnv {
	h := harness.New(t)
	e := &retentionEnv{h: h, tree: t.TempDir(), suite: h.EndpointsSuite()}
	if out, err := exec.Command("cp", "-r", h.Example("deploy"), e.tree).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v: %s", err, out)
	}
	e.channels = filepath.Join(e.tree, "deploy/channels.yaml")
	e.values = filepath.Join(e.tree, "deploy/helm/stellaops/values-stage.yaml")
	e.setRetention(block)
	return e
}

// setRetention rewrites the channels file: the example's, plus block.
func (e *retentionEnv) setRetention(block string) {
	b, err := os.ReadFile(e.h.Example("deploy/channels.yaml"))
	if err != nil {
		e.h.Fatal(err)
	}
	if err := os.WriteFile(e.channels, append(b, block...), 0o644); err != nil {
		e.h.Fatal(err)
	}
}

// line is the channels file's line number holding s.
func (e *retentionEnv) line(s string) int {
	b, _ := os.ReadFile(e.channels)
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	e.h.Fatalf("%q not in %s", s, e.channels)
	return 0
}

type retentionResult struct {
	Outcome              string   `json:"outcome"`
	Journal              string   `json:"journal"`
	PrunedBookmarks      []string `json:"prunedBookmarks"`
	PrunedJournalEntries []string `json:"prunedJournalEntries"`
	JournalRetention     *struct {
		Limit struct {
			Keep     int    `json:"keep"`
			KeepFrom string `json:"keepFrom"`
		} `json:"limit"`
		Removed []string `json:"removed"`
	} `json:"journalRetention"`
}

func (e *retentionEnv) promote(extra ...string) harness.Result {
	e.h.Helper()
	args := append([]string{"promote", "stellaops", filepath.Join(e.tree, "deploy/helm/stellaops"), "-f", e.values,
		"--config", e.channels, "--channel", "stable", "--smoke-suite", e.suite, "--lock-timeout", "30s", "-n", e.h.Namespace}, extra...)
	return e.h.Run(e.h.Plugin("helm-stella"), args...)
}

// promoteJSON promotes with -o json, expecting exit 0.
func (e *retentionEnv) promoteJSON(extra ...string) (retentionResult, harness.Result) {
	e.h.Helper()
	r := e.h.Must(e.promote(append(extra, "-o", "json")...))
	var res retentionResult
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		e.h.Fatalf("promote -o json: %v\n%s", err, r.Stdout)
	}
	return res, r
}

func (e *retentionEnv) entryIDs() []string {
	var ids []string
	for _, en := range rbEntries(e.h) {
		ids = append(ids, en.ID)
	}
	return ids
}

// TestPromoteRetentionFromChannelsFile: an operator sets retention in the
// channels file and promotes several times: journal entries and promote's
// automatic bookmarks beyond the limits are removed and listed (table,
// -o json, stderr), a named bookmark survives, flags override the file,
// safe-rollback applies the file's journal retention too.
func TestPromoteRetentionFromChannelsFile(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	e := newRetentionEnv(t, "\nretention:\n  journal: {keep: 3}\n  bookmarks: {keep: 2}\n")
	h := e.h
	journalLine := e.line("journal: {keep: 3}")

	res, _ := e.promoteJSON() // first install: no bookmark
	h.Must(bmRun(h, nil, "bookmark", "stellaops", "--name", "keep-me"))
	var pruned []string
	for i := 2; i <= 4; i++ {
		res, _ = e.promoteJSON()
		pruned = append(pruned, res.PrunedJournalEntries...)
	}
	// the fifth as an operator reads it: the table and stderr list what went
	ids := e.entryIDs()
	r := h.Must(e.promote())
	if !strings.Contains(r.Stdout, "JOURNAL RETENTION") || !strings.Contains(r.Stdout, "removed 1: "+ids[0]) ||
		!strings.Contains(r.Stdout, "keep 3 ("+e.channels+":") || !strings.Contains(r.Stdout, "BOOKMARK RETENTION") {
		t.Fatalf("table does not list the retention:\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "journal retention: removed 1: "+ids[0]) || !strings.Contains(r.Stderr, "bookmark retention: deleted ") {
		t.Fatalf("stderr does not list the retention:\n%s", r.Stderr)
	}
	pruned = append(pruned, ids[0])
	left := e.entryIDs()
	if len(left) != 3 || len(pruned) != 2 {
		t.Fatalf("after 5 promotes with journal keep 3: %d entries left %v, pruned %v", len(left), left, pruned)
	}
	for _, id := range pruned {
		if slices.Contains(left, id) {
			t.Fatalf("pruned entry %s still there: %v", id, left)
		}
	}
	if res.JournalRetention == nil || res.JournalRetention.Limit.KeepFrom != e.channels+":"+strconv.Itoa(journalLine) {
		t.Fatalf("journal retention source: %+v", res.JournalRetention)
	}
	bms := bmList(h)
	if len(bms) != 3 || !slices.Contains(bms, "keep-me") {
		t.Fatalf("bookmarks after 5 promotes with bookmarks keep 2: %v (want keep-me + 2 automatic)", bms)
	}

	// flags override the file, field by field
	res, _ = e.promoteJSON("--journal-keep", "1", "--keep-bookmarks", "1")
	if left := e.entryIDs(); len(left) != 1 || left[0] != res.Journal || len(res.PrunedJournalEntries) != 3 {
		t.Fatalf("--journal-keep 1: left %v, pruned %v (this run %s)", left, res.PrunedJournalEntries, res.Journal)
	}
	if res.JournalRetention.Limit.KeepFrom != "flag --journal-keep" {
		t.Fatalf("source: %+v", res.JournalRetention)
	}
	if bms := bmList(h); len(bms) != 2 || !slices.Contains(bms, "keep-me") || len(res.PrunedBookmarks) != 2 {
		t.Fatalf("--keep-bookmarks 1: %v, pruned %v", bms, res.PrunedBookmarks)
	}
	res, _ = e.promoteJSON("--journal-keep", "0")
	if left := e.entryIDs(); len(left) != 2 || len(res.PrunedJournalEntries) != 0 {
		t.Fatalf("--journal-keep 0 (keep all): left %v, pruned %v", left, res.PrunedJournalEntries)
	}
	e.promoteJSON() // back to the file: 3 entries, nothing to remove

	e.safeRollbackPrunes(t)
}

// safeRollbackPrunes: safe-rollback applies the channels file's journal
// retention (3 entries before it: the oldest goes, listed); the named
// bookmark is still there.
func (e *retentionEnv) safeRollbackPrunes(t *testing.T) {
	h := e.h
	before := e.entryIDs()
	r := h.Must(h.Run(h.Plugin("helm-stella"), "safe-rollback", "stellaops", "-n", h.Namespace,
		"--config", e.channels, "--channel", "stable", "--no-smoke", "-o", "json"))
	var rb retentionResult
	if err := json.Unmarshal([]byte(r.Stdout), &rb); err != nil {
		t.Fatalf("safe-rollback -o json: %v\n%s", err, r.Stdout)
	}
	if len(before) != 3 || len(rb.PrunedJournalEntries) != 1 || rb.PrunedJournalEntries[0] != before[0] ||
		!strings.Contains(r.Stderr, "journal retention: removed 1: "+before[0]) {
		t.Fatalf("safe-rollback retention: before %v, pruned %v\n%s", before, rb.PrunedJournalEntries, r.Stderr)
	}
	left := rbEntries(h)
	if len(left) != 3 || left[2].Operation != journal.SafeRollback {
		t.Fatalf("after safe-rollback: %+v", left)
	}
	// --no-smoke: the channel's suite did not run, and the entry says so
	if sm := string(left[2].Smoke); !strings.Contains(sm, `"skipped":true`) || !strings.Contains(sm, "--no-smoke") {
		t.Fatalf("safe-rollback --no-smoke journaled smoke %s", sm)
	}
	if bms := bmList(h); !slices.Contains(bms, "keep-me") {
		t.Fatalf("the named bookmark is gone: %v", bms)
	}
}

// TestRetentionBadSetting: a bad retention setting in the channels file,
// or a bad retention flag, is exit 4 with one line naming file:line (or
// the flag), and nothing changes: no revision, no entry, no bookmark.
func TestRetentionBadSetting(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	e := newRetentionEnv(t, "")
	h := e.h
	e.promoteJSON()
	e.promoteJSON() // revision 2, one automatic bookmark, two entries
	entries, bms, status := e.entryIDs(), bmList(h), e.revision()
	cases := []struct {
		name, block string
		args        []string
		want        string
	}{
		{"negative keep", "\nretention:\n  journal: {keep: -1}\n", nil, "retention keep: want a whole number ≥ 0"},
		{"bad age", "\nretention:\n  bookmarks:\n    maxAge: 30days\n", nil, `retention maxAge: "30days" is not an age`},
		{"unknown key", "\nretention:\n  journals: {keep: 3}\n", nil, "field journals not found"},
		{"bad flag", "", []string{"--journal-max-age", "3x"}, `flag --journal-max-age: "3x" is not an age`},
		{"negative flag", "", []string{"--journal-keep", "-1"}, "flag --journal-keep: must be 0 (keep all) or more"},
	}
	for _, c := range cases {
		e.setRetention(c.block)
		want := c.want
		if c.block != "" {
			bad := strings.Split(strings.TrimSpace(c.block), "\n")
			want = e.channels + ":" + strconv.Itoa(e.line(strings.TrimSpace(bad[len(bad)-1]))) + ": " + c.want
		}
		for _, run := range []harness.Result{
			e.promote(c.args...),
			h.Run(h.Plugin("helm-stella"), append([]string{"safe-rollback", "stellaops", "-n", h.Namespace,
				"--config", e.channels, "--channel", "stable", "--no-smoke"}, c.args...)...),
		} {
			if run.Code != 4 || !strings.Contains(run.Stderr, "Error: "+want) || strings.Count(run.Stderr, "Error:") != 1 || run.Stdout != "" {
				t.Fatalf("%s: exit %d, want 4 with %q\nstdout:\n%s\nstderr:\n%s", c.name, run.Code, want, run.Stdout, run.Stderr)
			}
		}
		if got := e.entryIDs(); !slices.Equal(got, entries) {
			t.Fatalf("%s: journal changed: %v → %v", c.name, entries, got)
		}
		if got := bmList(h); !slices.Equal(got, bms) {
			t.Fatalf("%s: bookmarks changed: %v → %v", c.name, bms, got)
		}
		if got := e.revision(); got != status {
			t.Fatalf("%s: release changed: %s → %s", c.name, status, got)
		}
	}
}

// revision is helm status' version and status, e.g. "2 deployed".
func (e *retentionEnv) revision() string {
	s := struct {
		Version int `json:"version"`
		Info    struct {
			Status string `json:"status"`
		} `json:"info"`
	}{}
	r := e.h.Must(e.h.Run(e.h.Helm3(), "status", "stellaops", "-n", e.h.Namespace, "-o", "json"))
	if err := json.Unmarshal([]byte(r.Stdout), &s); err != nil {
		e.h.Fatal(err)
	}
	return strconv.Itoa(s.Version) + " " + s.Info.Status
}
