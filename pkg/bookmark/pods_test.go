package bookmark

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

const manifest = `---
# Source: app/templates/web.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web, tier: front}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  selector:
    matchExpressions: [{key: app, operator: In, values: [db]}]
  template: {metadata: {labels: {app: db}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  jobTemplate: {spec: {template: {metadata: {labels: {job: backup}}}}}
---
apiVersion: v1
kind: Pod
metadata: {name: probe}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: elsewhere, namespace: other}
spec:
  selector: {matchLabels: {app: elsewhere}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
`

func pod(t *testing.T, y string) corev1.Pod {
	t.Helper()
	var p corev1.Pod
	if err := yaml.Unmarshal([]byte(y), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSelectPods(t *testing.T) {
	cases := []struct {
		name, pod string
		want      bool
		digest    string
	}{
		{"deployment selector", `
metadata: {name: web-1, labels: {app: web, pod-template-hash: x}}
spec: {containers: [{name: web, image: "web:1"}]}
status:
  phase: Running
  containerStatuses: [{name: web, ready: true, imageID: "docker-pullable://reg/web@sha256:aa"}]`, true, "sha256:aa"},
		{"statefulset expression", `
metadata: {name: db-0, labels: {app: db}}
spec: {containers: [{name: db, image: "db:1"}]}
status: {containerStatuses: [{name: db, imageID: "reg/db@sha256:bb"}]}`, true, "sha256:bb"},
		{"cronjob template labels", `
metadata: {name: backup-123-x, labels: {job: backup}}
spec: {containers: [{name: b, image: "b:1"}]}
status: {containerStatuses: [{name: b, imageID: "sha256:cc"}]}`, true, "sha256:cc"},
		{"bare pod by name", `
metadata: {name: probe}
spec: {containers: [{name: p, image: "p:1"}]}`, true, ""},
		{"another release's pod", `
metadata: {name: other-1, labels: {app: other}}
spec: {containers: [{name: o, image: "o:1"}]}`, false, ""},
		{"workload of another namespace", `
metadata: {name: elsewhere-1, labels: {app: elsewhere}}
spec: {containers: [{name: e, image: "e:1"}]}`, false, ""},
		{"terminating pod", `
metadata: {name: web-old, labels: {app: web}, deletionTimestamp: "2026-01-01T00:00:00Z"}
spec: {containers: [{name: web, image: "web:0"}]}`, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := SelectPods(manifest, "ns", []corev1.Pod{pod(t, c.pod)})
			if err != nil {
				t.Fatal(err)
			}
			if (len(got) == 1) != c.want {
				t.Fatalf("selected = %+v, want %v", got, c.want)
			}
			if c.want && got[0].Containers[0].Digest != c.digest {
				t.Fatalf("digest = %q, want %q", got[0].Containers[0].Digest, c.digest)
			}
		})
	}
}

func TestSelectPodsInitContainersAndOrder(t *testing.T) {
	pods := []corev1.Pod{pod(t, `
metadata: {name: web-b, labels: {app: web}}
spec:
  initContainers: [{name: migrate, image: "m:1"}]
  containers: [{name: web, image: "web:1"}]
status:
  initContainerStatuses: [{name: migrate, imageID: "m@sha256:11"}]
  containerStatuses: [{name: web, ready: true, imageID: "web@sha256:22"}]`), pod(t, `
metadata: {name: web-a, labels: {app: web}}
spec: {containers: [{name: web, image: "web:1"}]}`)}
	got, err := SelectPods(manifest, "ns", pods)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "web-a" || got[1].Name != "web-b" {
		t.Fatalf("order = %+v", got)
	}
	c := got[1].Containers
	if len(c) != 2 || !c[0].Init || c[0].Digest != "sha256:11" || c[1].Init || !c[1].Ready || c[1].Digest != "sha256:22" {
		t.Fatalf("containers = %+v", c)
	}
}

func TestSelectPodsBadManifest(t *testing.T) {
	if _, err := SelectPods("kind: [", "ns", nil); err == nil {
		t.Fatal("a broken manifest must be an error")
	}
}
