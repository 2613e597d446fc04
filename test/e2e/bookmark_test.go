//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/pkg/bookmark"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

const bmSecretValue = "e2e-Sup3rSecret-bm"

// bmInstall installs the example chart as release rel with a values
// secret the bookmark must never print.
func bmInstall(h *harness.T, rel string, extra ...string) {
	h.Helper()
	args := append([]string{"upgrade", "--install", rel, h.Example("deploy/helm/stellaops"),
		"-f", h.Example("deploy/helm/stellaops/values-dev.yaml"), "--set", "secrets.mongoPassword=" + bmSecretValue,
		"-n", h.Namespace, "--wait", "--timeout", "2m"}, extra...)
	h.Must(h.Run(h.Helm3(), args...))
}

func bmShowJSON(h *harness.T, name string, extra ...string) map[string]any {
	h.Helper()
	r := h.Must(bmRun(h, nil, append([]string{"bookmark", "show", name, "-o", "json"}, extra...)...))
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &m); err != nil {
		h.Fatalf("show -o json: %v\n%s", err, r.Stdout)
	}
	return m
}

// bookmarkRelease decodes the release stored in bookmark name's Secret.
func bmSecret(h *harness.T, name string) ([]byte, map[string]string, string) {
	h.Helper()
	s, err := h.Client.CoreV1().Secrets(h.Namespace).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		h.Fatalf("bookmark secret: %v", err)
	}
	return s.Data[bookmark.KeyRelease], s.Labels, string(s.Type)
}

func TestBookmarkRecordsEveryField(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	bmInstall(h, "stellaops")
	var meta struct {
		Chart, Version, AppVersion, Status string
		Revision                           int
	}
	r := h.Must(h.Run(h.Helm3(), "get", "metadata", "stellaops", "-n", h.Namespace, "-o", "json"))
	if err := json.Unmarshal([]byte(r.Stdout), &meta); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "bm.json")
	r = h.Must(bmRun(h, nil, "bookmark", "stellaops", "--note", "before 2025.10 upgrade",
		"--git-dir", h.Env.Repo, "--output-file", file))
	if strings.Contains(r.Stdout+r.Stderr, bmSecretValue) {
		t.Fatal("create printed a values secret")
	}
	list := h.Must(bmRun(h, nil, "bookmark", "list", "-o", "json"))
	var sums struct {
		Items []bookmark.Summary `json:"items"`
	}
	if err := json.Unmarshal([]byte(list.Stdout), &sums); err != nil || len(sums.Items) != 1 {
		t.Fatalf("list: %v %s", err, list.Stdout)
	}
	name := sums.Items[0].Name
	if !strings.HasPrefix(name, "stella-bookmark-stellaops-1-") {
		t.Errorf("name %q", name)
	}
	m := bmShowJSON(h, name)
	want := map[string]any{"name": name, "namespace": h.Namespace, "release": "stellaops", "revision": 1.0,
		"status": "deployed", "chart": meta.Chart, "chartVersion": meta.Version, "appVersion": meta.AppVersion,
		"note": "before 2025.10 upgrade", "createdBy": "admin"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	for _, k := range []string{"deployedAt", "createdAt"} {
		ts, err := time.Parse(time.RFC3339, m[k].(string))
		if err != nil || time.Since(ts) > 2*time.Minute || time.Since(ts) < 0 {
			t.Errorf("%s = %v (%v)", k, m[k], err)
		}
	}
	if _, ok := m["values"]; ok {
		t.Error("values shown without --show-values")
	}
	bmCheckWhoAndGit(h, m)
	bmCheckPods(h, m["pods"])
	bmCheckStoredRelease(h, name, 1)
	data, labels, typ := bmSecret(h, name)
	if typ != string(bookmark.SecretType) || labels["app.kubernetes.io/managed-by"] != "stella" ||
		labels["stella-ops.org/bookmark-release"] != "stellaops" || labels["stella-ops.org/bookmark-revision"] != "1" {
		t.Errorf("secret type %q labels %v", typ, labels)
	}
	if len(data) < 1000 {
		t.Errorf("stored release is %d bytes", len(data))
	}
	bmCheckValuesOnlyOnRequest(h, name)
	bmCheckOutputFile(h, file, name)
}

func bmCheckWhoAndGit(h *harness.T, m map[string]any) {
	h.Helper()
	who := m["who"].(map[string]any)
	if who["user"] != "admin" || who["source"] != "SelfSubjectReview" {
		h.Errorf("who = %v", who)
	}
	sha, _ := exec.Command("git", "-C", h.Env.Repo, "rev-parse", "HEAD").Output()
	desc, _ := exec.Command("git", "-C", h.Env.Repo, "describe", "--tags", "--always", "--dirty").Output()
	git := m["git"].(map[string]any)
	if git["sha"] != strings.TrimSpace(string(sha)) || git["describe"] != strings.TrimSpace(string(desc)) {
		h.Errorf("git = %v, want %s %s", git, sha, desc)
	}
}

// bmCheckPods compares every recorded container digest with the pods' imageID.
func bmCheckPods(h *harness.T, v any) {
	h.Helper()
	pods, err := h.Client.CoreV1().Pods(h.Namespace).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		h.Fatal(err)
	}
	want := map[string]string{}
	for _, p := range pods.Items {
		for _, cs := range p.Status.ContainerStatuses {
			want[p.Name+"/"+cs.Name] = cs.ImageID[strings.LastIndex(cs.ImageID, "@")+1:]
		}
	}
	got := map[string]string{}
	for _, p := range v.([]any) {
		pm := p.(map[string]any)
		for _, c := range pm["containers"].([]any) {
			cm := c.(map[string]any)
			got[pm["name"].(string)+"/"+cm["name"].(string)] = cm["digest"].(string)
		}
	}
	if len(got) != 9 || len(got) != len(want) {
		h.Errorf("recorded %d containers, cluster has %d (want 9)", len(got), len(want))
	}
	for k, d := range want {
		if got[k] != d || !strings.HasPrefix(d, "sha256:") {
			h.Errorf("%s digest = %q, running %q", k, got[k], d)
		}
	}
}

// bmCheckStoredRelease proves the bookmark holds Helm's own stored bytes of
// the revision and that they decode to its manifest.
func bmCheckStoredRelease(h *harness.T, name string, revision int) {
	h.Helper()
	data, _, _ := bmSecret(h, name)
	rel, err := helmx.Decode(data)
	if err != nil {
		h.Fatalf("stored release: %v", err)
	}
	manifest := h.Must(h.Run(h.Helm3(), "get", "manifest", "stellaops", "-n", h.Namespace, "--revision", bmItoa(revision))).Stdout
	if rel.Version != revision || strings.TrimSpace(rel.Manifest) != strings.TrimSpace(manifest) {
		h.Errorf("stored release v%d manifest differs from helm get manifest --revision %d", rel.Version, revision)
	}
	if rel.Config == nil || rel.Chart == nil || len(rel.Chart.Templates) == 0 {
		h.Errorf("stored release lacks values or chart")
	}
	helmSecret, err := h.Client.CoreV1().Secrets(h.Namespace).Get(context.Background(), "sh.helm.release.v1.stellaops.v"+bmItoa(revision), metav1.GetOptions{})
	if err == nil && string(helmSecret.Data["release"]) != string(data) {
		h.Errorf("stored release is not byte-identical to Helm's")
	}
}

func bmCheckValuesOnlyOnRequest(h *harness.T, name string) {
	h.Helper()
	for _, args := range [][]string{{"show", name}, {"show", name, "-o", "yaml"}, {"list"}, {"list", "-o", "json"}} {
		r := h.Must(bmRun(h, nil, append([]string{"bookmark"}, args...)...))
		if strings.Contains(r.Stdout+r.Stderr, bmSecretValue) || strings.Contains(r.Stdout, "mongoPassword") {
			h.Errorf("bookmark %v printed values", args)
		}
	}
	m := bmShowJSON(h, name, "--show-values")
	vals, _ := m["values"].(map[string]any)
	secrets, _ := vals["secrets"].(map[string]any)
	if secrets["mongoPassword"] != bmSecretValue {
		h.Errorf("--show-values: values = %v", m["values"])
	}
}

func bmCheckOutputFile(h *harness.T, file, name string) {
	h.Helper()
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		h.Fatalf("output file: %v mode %v", err, st)
	}
	b, _ := os.ReadFile(file)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["name"] != name || m["releaseSHA256"] == "" {
		h.Errorf("output file: %v %.200s", err, b)
	}
	if strings.Contains(string(b), bmSecretValue) {
		h.Error("output file holds values without --show-values")
	}
}

func bmItoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// bmRun runs kubectl-stella in the test's namespace (a kubectl plugin reads
// -n, not HELM_NAMESPACE), with extra environment env.
func bmRun(h *harness.T, env []string, args ...string) harness.Result {
	h.Helper()
	return h.RunEnv(env, h.Plugin("kubectl-stella"), append(args, "-n", h.Namespace)...)
}
