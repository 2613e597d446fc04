package verify

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/stella-ops/stella-plugins/pkg/health"
)

const (
	edge   = "sha256:afca4c4df2dadca510e8695fdcf40e5ea409783e275c66bc4f9a7612a08027c7"
	stable = "sha256:de65905c766bc33cb7bc96a8c5b18ff393bb95b10e8ef759b6efa3d648bd134e"
)

// auth is the authority Deployment mid-rollout, its template running
// IMAGE with ANNOTATIONS (a rollback from edge to stable, or back).
const auth = `
metadata: {name: auth, namespace: ns, generation: 2, annotations: {meta.helm.sh/release-name: st}}
spec:
  replicas: 1
  selector: {matchLabels: {app: auth}}
  template:
    metadata: {labels: {app: auth}, annotations: ANNOTATIONS}
    spec: {containers: [{name: authority, image: "IMAGE"}]}
status:
  observedGeneration: 2
  replicas: 2
  updatedReplicas: 1
  readyReplicas: 1
  availableReplicas: 1
  conditions: [{type: Available, status: "True"}]
`

// authPod is a pod of ReplicaSet auth-HASH running IMAGE with ANNOTATIONS,
// in container state STATE, reporting digest RUNNING ("" = not yet known).
const authPod = `
metadata:
  name: auth-HASH-x
  namespace: ns
  labels: {app: auth, pod-template-hash: "HASH"}
  annotations: ANNOTATIONS
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: auth-HASH, uid: rs-HASH, controller: true}]
spec: {containers: [{name: authority, image: "IMAGE"}]}
status:
  phase: Running
  conditions: [{type: Ready, status: "READY"}]
  containerStatuses: [{name: authority, ready: READYB, restartCount: 0, imageID: "registry.stella-ops.org/stellaops/authority@RUNNING", state: STATE}]
`

func ref(d string) string { return "registry.stella-ops.org/stellaops/authority:1@" + d }

type podCase struct {
	hash, image, annotations, state, running string
}

func (p podCase) doc() string {
	ready := map[bool]string{true: "True", false: "False"}[strings.Contains(p.state, "running")]
	running := p.running
	r := strings.NewReplacer("HASH", p.hash, "IMAGE", p.image, "ANNOTATIONS", p.annotations, "STATE", p.state,
		"READYB", strings.ToLower(ready), "READY", ready)
	d := r.Replace(authPod)
	if running == "" {
		return strings.Replace(d, `imageID: "registry.stella-ops.org/stellaops/authority@RUNNING", `, "", 1)
	}
	return strings.Replace(d, "RUNNING", running, 1)
}

const (
	up    = "{running: {}}"
	crash = "{waiting: {reason: CrashLoopBackOff, message: back-off 10s}}, lastState: {terminated: {exitCode: 1}}"
	made  = "{waiting: {reason: ContainerCreating}}"
	none  = "{}"
	sim   = "{stella.test/simulate: crashloop}"
)

// The pins (the target's digests) are judged only on the pods of the
// Deployment's current template, once they run; an older template's pod
// (being replaced) never fails the verdict for certain.
func TestPinsJudgedOnCurrentTemplateOnly(t *testing.T) {
	cases := []struct {
		name              string
		template, tmplAnn string
		pods              []podCase
		want              health.State
		wantReason        string
	}{
		{"old template's pod runs the old digest: not judged", ref(stable), none,
			[]podCase{{"old", ref(edge), none, up, edge}, {"new", ref(stable), none, made, ""}}, health.Progressing, ""},
		{"new template's pod not yet running: not judged", ref(stable), none,
			[]podCase{{"new", ref(stable), none, made, stable}}, health.Progressing, ""},
		{"new template's pod running the pinned digest", ref(stable), none,
			[]podCase{{"old", ref(edge), none, up, edge}, {"new", ref(stable), none, up, stable}}, health.Progressing, ""},
		{"new template's pod running another digest: certain", ref(stable), none,
			[]podCase{{"old", ref(edge), none, up, edge}, {"new", ref(stable), none, up, edge}}, health.Failed, "DigestMismatch"},
		{"registry rewritten by admission: still the template's pod", ref(stable), none,
			[]podCase{{"new", "mirror.local/authority:1@" + stable, none, up, edge}}, health.Failed, "DigestMismatch"},
		{"tag resolved to a digest by admission: the template's pod", "registry.stella-ops.org/stellaops/authority:1", none,
			[]podCase{{"new", ref(edge), none, up, edge}}, health.Failed, "DigestMismatch"},
		{"rollback away from a crash loop (annotation removed)", ref(stable), none,
			[]podCase{{"old", ref(stable), sim, crash, stable}, {"new", ref(stable), none, made, ""}}, health.Progressing, "CrashLoopBackOff"},
		{"rollback onto a crash loop (annotation added): certain", ref(stable), sim,
			[]podCase{{"old", ref(stable), none, up, stable}, {"new", ref(stable), sim, crash, stable}}, health.Failed, "CrashLoopBackOff"},
		{"old template crash-looping, other image", ref(stable), none,
			[]podCase{{"old", ref(edge), sim, crash, edge}, {"new", ref(stable), none, up, stable}}, health.Progressing, "CrashLoopBackOff"},
		{"two revisions indistinguishable: neither certain", ref(stable), none,
			[]podCase{{"a", ref(stable), none, crash, stable}, {"b", ref(stable), none, up, stable}}, health.Progressing, "CrashLoopBackOff"},
		{"one revision crash-looping: certain", ref(stable), none,
			[]podCase{{"a", ref(stable), none, crash, stable}}, health.Failed, "CrashLoopBackOff"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := strings.NewReplacer("IMAGE", c.template, "ANNOTATIONS", c.tmplAnn).Replace(auth)
			objs := health.Objects{Deployments: []*appsv1.Deployment{decode[appsv1.Deployment](t, d)}}
			for _, p := range c.pods {
				objs.Pods = append(objs.Pods, decode[corev1.Pod](t, p.doc()))
			}
			ev := &Evaluation{Selection: Selection{Release: "st"}, Pins: health.Pins{"authority": stable}, PinSource: "revision 2"}
			ws, err := ev.Evaluate(objs, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if len(ws) != 1 || ws[0].State != c.want {
				t.Fatalf("state %s, want %s: %+v", ws[0].State, c.want, ws[0])
			}
			if c.wantReason != "" && !hasFinding(ws[0].Findings, c.wantReason, c.want == health.Failed) {
				t.Errorf("no %s finding with certain=%v: %+v", c.wantReason, c.want == health.Failed, ws[0].Findings)
			}
			for _, f := range ws[0].Findings {
				if f.Reason == "DigestMismatch" && (!strings.HasPrefix(f.Pod, "auth-new") && !strings.HasPrefix(f.Pod, "auth-a") ||
					!strings.Contains(f.Message, "revision 2 pins "+stable)) {
					t.Errorf("digest finding on %s: %s", f.Pod, f.Message)
				}
			}
		})
	}
}

// A StatefulSet's and a DaemonSet's pods follow the same rule.
func TestOutdatedPodsOfStatefulSetAndDaemonSet(t *testing.T) {
	tmpl := `{metadata: {labels: {app: db}}, spec: {containers: [{name: mongo, image: "mongo:7@` + stable + `"}]}}`
	pod := func(name, img string) *corev1.Pod {
		return decode[corev1.Pod](t, `{metadata: {name: `+name+`, labels: {app: db, controller-revision-hash: `+name+`}}, spec: {containers: [{name: mongo, image: "`+img+`"}]}}`)
	}
	pods := []*corev1.Pod{pod("old", "mongo:7@"+edge), pod("cur", "mongo:7@"+stable)}
	sts := decode[appsv1.StatefulSet](t, `{spec: {template: `+tmpl+`}}`)
	ds := decode[appsv1.DaemonSet](t, `{spec: {template: `+tmpl+`}}`)
	for _, got := range []map[string]bool{outdatedPods(sts, pods), outdatedPods(ds, pods)} {
		if len(got) != 1 || !got["old"] {
			t.Errorf("outdated = %v, want only old", got)
		}
	}
}

func hasFinding(fs []health.Finding, reason string, certain bool) bool {
	for _, f := range fs {
		if f.Reason == reason && f.Certain == certain {
			return true
		}
	}
	return false
}
