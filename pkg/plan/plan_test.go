package plan

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/stella-ops/stella-plugins/pkg/output"
)

const fromManifest = `
---
# Source: stellaops/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata: {name: stellaops}
stringData: {mongoPassword: hunter2-from}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: authority}
spec:
  template:
    spec:
      initContainers: [{name: init, image: "busybox:1.36"}]
      containers: [{name: authority, image: "reg/authority@sha256:aaaa"}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: sweep}
spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: sweep, image: "reg/sweep:1"}]}}}}}
`

const toManifest = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: authority}
spec:
  template:
    spec:
      initContainers: [{name: init, image: "busybox:1.36"}]
      containers: [{name: authority, image: "reg/authority@sha256:bbbb"}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: mongo}
spec: {template: {spec: {containers: [{name: mongo, image: "library/mongo:7"}]}}}
`

func values(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestImages(t *testing.T) {
	got, errs := Images(fromManifest + "\n---\n: [bad")
	want := map[string]string{
		"Deployment/authority/init": "busybox:1.36", "Deployment/authority/authority": "reg/authority@sha256:aaaa",
		"CronJob/sweep/sweep": "reg/sweep:1",
	}
	if len(got) != len(want) {
		t.Fatalf("images = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(errs) != 1 || strings.Contains(errs[0].Error(), "bad") {
		t.Errorf("errors = %v, want one naming the document only", errs)
	}
}

func TestCompute(t *testing.T) {
	from := Input{Revision: 3, Chart: "stellaops", ChartVersion: "1.1.0", Manifest: fromManifest,
		Values: values(t, `{secrets: {mongoPassword: hunter2-from}, podAnnotations: {authority: {x: crash}}, replicas: 2,
env: [{name: DB_PASSWORD, value: pw-from}], apiToken: tok-from}`)}
	to := Input{Revision: 1, Chart: "stellaops", ChartVersion: "1.0.0", Manifest: toManifest,
		Values: values(t, `{secrets: {mongoPassword: hunter2-to}, replicas: 2, env: [{name: DB_PASSWORD, value: pw-to}], tag: v1}`)}
	p := Compute(from, to)
	if p.From.Revision != 3 || p.To.Revision != 1 || p.From.ChartVersion != "1.1.0" || p.To.ChartVersion != "1.0.0" {
		t.Errorf("sides = %+v → %+v", p.From, p.To)
	}
	wantImages := []Image{
		{Workload: "CronJob/sweep/sweep", From: "reg/sweep:1", Changed: true},
		{Workload: "Deployment/authority/authority", From: "reg/authority@sha256:aaaa", To: "reg/authority@sha256:bbbb", FromDigest: "sha256:aaaa", ToDigest: "sha256:bbbb", Changed: true},
		{Workload: "Deployment/authority/init", From: "busybox:1.36", To: "busybox:1.36"},
		{Workload: "StatefulSet/mongo/mongo", To: "library/mongo:7", Changed: true},
	}
	if len(p.Images) != len(wantImages) {
		t.Fatalf("images = %+v", p.Images)
	}
	for i, w := range wantImages {
		if p.Images[i] != w {
			t.Errorf("image %d = %+v, want %+v", i, p.Images[i], w)
		}
	}
	wantValues := []Value{
		{Path: "apiToken", Change: "removed", From: Masked, Masked: true},
		{Path: "env[0].value", Change: "changed", From: Masked, To: Masked, Masked: true},
		{Path: "podAnnotations.authority.x", Change: "removed", From: `"crash"`},
		{Path: "secrets.mongoPassword", Change: "changed", From: Masked, To: Masked, Masked: true},
		{Path: "tag", Change: "added", To: `"v1"`},
	}
	if len(p.Values) != len(wantValues) {
		t.Fatalf("values = %+v", p.Values)
	}
	for i, w := range wantValues {
		if p.Values[i] != w {
			t.Errorf("value %d = %+v, want %+v", i, p.Values[i], w)
		}
	}
	if un := p.Unpinned(); len(un) != 2 {
		t.Errorf("unpinned = %v, want init and mongo", un)
	}
	for _, f := range []output.Format{output.Table, output.JSON, output.YAML} {
		var b bytes.Buffer
		if err := Render(&b, f, p); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"hunter2", "pw-from", "pw-to", "tok-from"} {
			if strings.Contains(b.String(), s) {
				t.Errorf("%s output leaks %q:\n%s", f, s, b.String())
			}
		}
		if f == output.Table && !strings.Contains(b.String(), "3 → 1") {
			t.Errorf("table lacks revision from → to:\n%s", b.String())
		}
	}
}

func TestSecret(t *testing.T) {
	for path, want := range map[string]bool{
		"secrets.mongoPassword": true, "auth.clientSecret": true, "db.token": true, "tls.privateKey": true,
		"replicas": false, "image.repository": false, "podAnnotations.authority": false, "env[0].apiKey": true,
	} {
		if got := Secret(path); got != want {
			t.Errorf("Secret(%q) = %v, want %v", path, got, want)
		}
	}
}
