//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

func bmList(h *harness.T, args ...string) []string {
	h.Helper()
	r := h.Must(bmRun(h, nil, append([]string{"bookmark", "list", "-o", "json"}, args...)...))
	var list struct {
		Kind  string             `json:"kind"`
		Items []bookmark.Summary `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil || list.Kind != "BookmarkList" {
		h.Fatalf("list: %v\n%s", err, r.Stdout)
	}
	var names []string
	for _, s := range list.Items {
		names = append(names, s.Name)
	}
	return names
}

func TestBookmarkListShowDeleteKeep(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	bmInstall(h, "stellaops")
	for _, n := range []string{"b1", "b2", "b3"} {
		h.Must(bmRun(h, nil, "bookmark", "stellaops", "--name", n, "-o", "json"))
	}
	if got := strings.Join(bmList(h), ","); got != "b1,b2,b3" {
		t.Fatalf("list = %s", got)
	}
	if got := bmList(h, "other"); len(got) != 0 {
		t.Fatalf("list other = %v", got)
	}
	r := h.Must(bmRun(h, nil, "bookmark", "list"))
	if !strings.Contains(r.Stdout, "NAME") || strings.Count(r.Stdout, "stellaops-0.9.0") != 3 {
		t.Errorf("list table:\n%s", r.Stdout)
	}
	var res struct {
		Name   string
		Pruned []struct{ Name string }
	}
	// named bookmarks are kept by --keep unless --prune-named; then the
	// oldest duplicates of revision 1 go, and -o json lists them
	r = h.Must(bmRun(h, nil, "bookmark", "stellaops", "--name", "b4", "--keep", "2", "--prune-named", "-o", "json"))
	if json.Unmarshal([]byte(r.Stdout), &res); res.Name != "b4" || len(res.Pruned) != 2 || res.Pruned[0].Name != "b1" || res.Pruned[1].Name != "b2" {
		t.Errorf("create -o json: %s", r.Stdout)
	}
	if got := strings.Join(bmList(h), ","); got != "b3,b4" {
		t.Fatalf("after --keep 2: %s", got)
	}
	if m := bmShowJSON(h, "b3"); m["revision"] != 1.0 || m["release"] != "stellaops" {
		t.Errorf("show b3 = %v", m)
	}
	r = h.Must(bmRun(h, nil, "bookmark", "delete", "b3"))
	if !strings.Contains(r.Stdout, `"b3" deleted`) {
		t.Errorf("delete: %q", r.Stdout)
	}
	if got := strings.Join(bmList(h), ","); got != "b4" {
		t.Fatalf("after delete: %s", got)
	}
	for _, args := range [][]string{{"delete", "b3"}, {"show", "b3"}} {
		r = bmRun(h, nil, append([]string{"bookmark"}, args...)...)
		if r.Code != 4 || !strings.Contains(r.Stderr, `bookmark "b3" not found`) {
			t.Errorf("%v: exit %d stderr %q", args, r.Code, r.Stderr)
		}
	}
	r = bmRun(h, nil, "bookmark", "delete", "stellaops-secrets")
	if r.Code != 4 || !strings.Contains(r.Stderr, "is not a bookmark") {
		t.Errorf("delete non-bookmark: exit %d %q", r.Code, r.Stderr)
	}
	if _, err := h.Client.CoreV1().Secrets(h.Namespace).Get(context.Background(), "stellaops-secrets", metav1.GetOptions{}); err != nil {
		t.Errorf("non-bookmark secret touched: %v", err)
	}
	r = bmRun(h, nil, "bookmark", "stellaops", "--name", "b4")
	if r.Code != 4 || !strings.Contains(r.Stderr, "already exists") {
		t.Errorf("duplicate name: exit %d %q", r.Code, r.Stderr)
	}
}

func TestBookmarkWithoutRelease(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	r := bmRun(h, nil, "bookmark")
	if r.Code != 4 || !strings.Contains(r.Stderr, "no Helm release in namespace") {
		t.Errorf("empty namespace: exit %d %q", r.Code, r.Stderr)
	}
	bmInstall(h, "stellaops")
	r = h.Must(bmRun(h, nil, "bookmark", "-o", "json"))
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &m); err != nil || m["release"] != "stellaops" || m["revision"] != 1.0 {
		t.Fatalf("bookmark with no RELEASE: %v %s", err, r.Stdout)
	}
	h.Must(h.Run(h.Helm3(), "install", "second", h.Example("deploy/helm/stellaops"), "-n", h.Namespace,
		"--set", "tests.enabled=false"))
	r = bmRun(h, nil, "bookmark")
	if r.Code != 4 || !strings.Contains(r.Stderr, "2 Helm releases") || !strings.Contains(r.Stderr, "second, stellaops") {
		t.Errorf("two releases: exit %d %q", r.Code, r.Stderr)
	}
	if got := bmList(h); len(got) != 1 {
		t.Errorf("a refused bookmark created something: %v", got)
	}
}

// TestBookmarkSurvivesHistoryPruning: after three upgrades with
// --history-max 2, Helm no longer has revision 1; the bookmark does.
func TestBookmarkSurvivesHistoryPruning(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	bmInstall(h, "stellaops")
	manifest1 := h.Must(h.Run(h.Helm3(), "get", "manifest", "stellaops", "-n", h.Namespace)).Stdout
	h.Must(bmRun(h, nil, "bookmark", "stellaops", "--name", "before-upgrades"))
	for _, v := range []string{"2025.10.1", "2025.10.2", "2025.10.3"} {
		bmInstall(h, "stellaops", "--history-max", "2", "--set", "global.releaseVersion="+v)
	}
	revs, err := helmx.NewForClient(h.Client, h.Namespace).Revisions(context.Background(), "stellaops")
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Version != 3 || revs[1].Version != 4 {
		t.Fatalf("helm history after pruning = %+v", revs)
	}
	m := bmShowJSON(h, "before-upgrades")
	if m["revision"] != 1.0 || m["status"] != "deployed" {
		t.Errorf("show = %v", m)
	}
	data, _, _ := bmSecret(h, "before-upgrades")
	rel, err := helmx.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Version != 1 || rel.Manifest != strings.TrimSuffix(manifest1, "\n") && rel.Manifest != manifest1 {
		t.Errorf("stored release v%d does not hold revision 1's manifest", rel.Version)
	}
	if rel.Chart == nil || rel.Chart.Metadata.Version != "0.9.0" || rel.Config["secrets"] == nil {
		t.Errorf("stored release lacks chart or values")
	}
	if r := h.Must(bmRun(h, nil, "bookmark", "stellaops", "-o", "json")); !strings.Contains(r.Stdout, `"revision": 4`) {
		t.Errorf("new bookmark is not of revision 4: %s", r.Stdout)
	}
}

func TestBookmarkBadInput(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	bmInstall(h, "stellaops")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"bookmark", "nope"}, `release "nope" in namespace "` + h.Namespace + `": not found`},
		{[]string{"bookmark", "stellaops", "--revision", "9"}, `release "stellaops" revision 9`},
		{[]string{"bookmark", "stellaops", "--name", "Bad_Name"}, "flag --name"},
		{[]string{"bookmark", "stellaops", "--keep", "-1"}, "flag --keep"},
		{[]string{"bookmark", "stellaops", "-o", "xml"}, "flag -o/--output"},
		{[]string{"bookmark", "a", "b"}, "at most 1 argument"},
		{[]string{"bookmark", "show"}, "exactly one bookmark NAME"},
		{[]string{"bookmark", "show", "nope"}, `bookmark "nope" not found`},
	}
	for _, c := range cases {
		r := bmRun(h, nil, c.args...)
		if r.Code != 4 || strings.Count(r.Stderr, "Error:") != 1 || !strings.Contains(r.Stderr, c.want) || r.Stdout != "" {
			t.Errorf("%v: exit %d stdout %q stderr %q, want exit 4 and %q", c.args, r.Code, r.Stdout, r.Stderr, c.want)
		}
	}
	if got := bmList(h); len(got) != 0 {
		t.Errorf("bad input created bookmarks: %v", got)
	}
}
