package verify

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/stella-ops/stella-plugins/pkg/health"
)

// rollingDeploy is web mid-rollout (one pod of each ReplicaSet); GEN and
// PROGRESSING are replaced per case.
const rollingDeploy = `
metadata: {name: web, namespace: ns, generation: GEN, annotations: {meta.helm.sh/release-name: st}}
spec: {replicas: 1, selector: {matchLabels: {app: web}}}
status:
  observedGeneration: 2
  replicas: 2
  updatedReplicas: 1
  readyReplicas: 1
  availableReplicas: 1
  conditions: [{type: Available, status: "True"}, PROGRESSING]
`

// rsPod is a pod of ReplicaSet web-HASH, crash-looping or ready.
func rsPod(hash string, crash bool) string {
	state, ready := "{running: {}}", "true"
	if crash {
		state, ready = "{waiting: {reason: CrashLoopBackOff, message: back-off 10s}}", "false"
	}
	return `
metadata:
  name: web-` + hash + `-x
  namespace: ns
  uid: ` + hash + `
  labels: {app: web, pod-template-hash: "` + hash + `"}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-` + hash + `, uid: rs-` + hash + `, controller: true}]
spec: {containers: [{name: web, image: "registry.example/web:1"}]}
status:
  phase: Running
  conditions: [{type: Ready, status: "` + map[string]string{"true": "True", "false": "False"}[ready] + `"}]
  containerStatuses: [{name: web, ready: ` + ready + `, restartCount: 3, state: ` + state + `}]
`
}

// A crash loop fails the verdict only in the pods the rollout goes to: an
// old ReplicaSet's crashing pod (a rollback away from a crash loop) is being
// replaced, and so is every pod before the controller saw the new spec.
func TestCrashLoopOfReplacedPods(t *testing.T) {
	progressing := func(rs string) string {
		return `{type: Progressing, status: "True", reason: ReplicaSetUpdated, message: 'ReplicaSet "` + rs + `" is progressing.'}`
	}
	cases := []struct {
		name, gen, progressing string
		oldCrash, newCrash     bool
		want                   health.State
	}{
		{"old ReplicaSet crash-looping, new one ready", "2", progressing("web-new"), true, false, health.Progressing},
		{"new ReplicaSet crash-looping", "2", progressing("web-new"), false, true, health.Failed},
		{"spec not yet observed: the crash is the old template's", "3", progressing("web-new"), true, false, health.Progressing},
		{"controller's older wording", "2", `{type: Progressing, status: "True", reason: NewReplicaSetCreated, message: 'Created new replica set "web-new"'}`, true, false, health.Progressing},
		{"no Progressing condition: every pod is judged", "2", `{type: Progressing, status: "Unknown"}`, true, false, health.Failed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := strings.NewReplacer("GEN", c.gen, "PROGRESSING", c.progressing).Replace(rollingDeploy)
			objs := health.Objects{
				Deployments: []*appsv1.Deployment{decode[appsv1.Deployment](t, d)},
				Pods:        []*corev1.Pod{decode[corev1.Pod](t, rsPod("old", c.oldCrash)), decode[corev1.Pod](t, rsPod("new", c.newCrash))},
			}
			ev := &Evaluation{Selection: Selection{Release: "st"}}
			ws, err := ev.Evaluate(objs, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if len(ws) != 1 || ws[0].State != c.want {
				t.Fatalf("state %s, want %s: %+v", ws[0].State, c.want, ws[0])
			}
		})
	}
}
