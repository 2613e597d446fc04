package verify

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/stella-ops/stella-plugins/pkg/health"
)

func decode[T any](t *testing.T, doc string) *T {
	t.Helper()
	v := new(T)
	if err := yaml.UnmarshalStrict([]byte(doc), v); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return v
}

const (
	webDeploy = `
metadata:
  name: web
  namespace: ns
  generation: 1
  annotations: {meta.helm.sh/release-name: st, meta.helm.sh/release-namespace: ns}
  labels: {tier: front}
spec: {replicas: 1, selector: {matchLabels: {app: web}}}
status:
  observedGeneration: 1
  replicas: 1
  updatedReplicas: 1
  readyReplicas: 1
  availableReplicas: 1
  conditions: [{type: Available, status: "True"}, {type: Progressing, status: "True", reason: NewReplicaSetAvailable}]
`
	webPod = `
metadata:
  name: web-5d8f-abcde
  namespace: ns
  uid: pod-1
  labels: {app: web, pod-template-hash: 5d8f}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: rs-1, controller: true}]
spec: {containers: [{name: web, image: "registry.example/web:1"}]}
status:
  phase: Running
  conditions: [{type: Ready, status: "True"}]
  containerStatuses: [{name: web, ready: true, restartCount: RESTARTS, imageID: "registry.example/web@sha256:1111111111111111111111111111111111111111111111111111111111111111", state: {running: {}}}]
`
	otherDeploy = `
metadata: {name: other, namespace: ns, generation: 1, annotations: {meta.helm.sh/release-name: another}}
spec: {replicas: 1, selector: {matchLabels: {app: other}}}
status: {observedGeneration: 1, replicas: 1, updatedReplicas: 0}
`
	failedJob = `
metadata: {name: migrate, namespace: ns, uid: job-1, generation: 1, annotations: {meta.helm.sh/release-name: st, meta.helm.sh/release-namespace: ns}}
spec: {completions: 1}
status: {startTime: "2025-01-01T00:00:00Z", failed: 1, conditions: [{type: Failed, status: "True", reason: BackoffLimitExceeded}]}
`
	jobPod = `
metadata:
  name: migrate-x1
  namespace: ns
  uid: pod-2
  ownerReferences: [{apiVersion: batch/v1, kind: Job, name: migrate, uid: job-1, controller: true}]
status: {phase: Failed, containerStatuses: [{name: migrate, state: {terminated: {reason: Error, exitCode: 1}}}]}
`
	barePod = `
metadata: {name: debug, namespace: ns, uid: pod-3}
status: {phase: Pending, containerStatuses: [{name: sh, state: {waiting: {reason: ImagePullBackOff}}}]}
`
)

func objects(t *testing.T, restarts string) health.Objects {
	return health.Objects{
		Deployments: []*appsv1.Deployment{decode[appsv1.Deployment](t, webDeploy), decode[appsv1.Deployment](t, otherDeploy)},
		Jobs:        []*batchv1.Job{decode[batchv1.Job](t, failedJob)},
		Pods: []*corev1.Pod{decode[corev1.Pod](t, strings.Replace(webPod, "RESTARTS", restarts, 1)),
			decode[corev1.Pod](t, jobPod), decode[corev1.Pod](t, barePod)},
	}
}

func TestEvaluateSelection(t *testing.T) {
	front, _ := labels.Parse("tier=front")
	cases := []struct {
		name string
		sel  Selection
		want []string // kind/name: state/reason pods
	}{
		{"release by helm annotations", Selection{Release: "st"}, []string{
			"Deployment/web: Healthy/ 1", "Job/migrate: Failed/JobFailed 1"}},
		{"label selector", Selection{Selector: front}, []string{"Deployment/web: Healthy/ 1"}},
		{"everything in the namespace, with bare pods", Selection{}, []string{
			"Deployment/other: Progressing/LessUpdated 0", "Deployment/web: Healthy/ 1",
			"Job/migrate: Failed/JobFailed 1", "Pod/debug: Failed/ImagePullBackOff 1"}},
		{"unknown release", Selection{Release: "nope"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := &Evaluation{Selection: c.sel}
			ws, err := ev.Evaluate(objects(t, "0"), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range ws {
				got = append(got, w.Kind+"/"+w.Name+": "+string(w.State)+"/"+w.Reason+" "+string(rune('0'+w.Pods)))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestEvaluateRestartDuringCheck(t *testing.T) {
	ev := &Evaluation{Selection: Selection{Release: "st"}}
	if _, err := ev.Evaluate(objects(t, "0"), time.Now()); err != nil {
		t.Fatal(err)
	}
	ws, err := ev.Evaluate(objects(t, "1"), time.Now()) // same pod UID, one more restart, Ready again
	if err != nil {
		t.Fatal(err)
	}
	web := ws[0]
	if web.Name != "web" || web.State != health.Failed || web.Reason != "RestartedDuringCheck" || len(web.Findings) != 1 {
		t.Fatalf("a restart after the first observation must fail the workload: %+v", web)
	}
	fresh := &Evaluation{Selection: Selection{Release: "st"}}
	ws, _ = fresh.Evaluate(objects(t, "1"), time.Now())
	if ws[0].State != health.Healthy {
		t.Fatalf("restarts before the check are not restarts during it: %+v", ws[0])
	}
}

func TestEvaluateDigests(t *testing.T) {
	ev := &Evaluation{Selection: Selection{Release: "st"},
		Pins: health.Pins{"web": "sha256:2222222222222222222222222222222222222222222222222222222222222222"}}
	ws, err := ev.Evaluate(objects(t, "0"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f := ws[0].Findings
	if ws[0].State != health.Failed || len(f) != 1 || f[0].Reason != "DigestMismatch" || f[0].Workload != "Deployment/web" ||
		!strings.HasPrefix(f[0].Running, "sha256:1111") || !strings.HasPrefix(f[0].Expected, "sha256:2222") {
		t.Fatalf("digest mismatch: %+v", ws[0])
	}
}

const (
	notifyDeploy = `
metadata: {name: notify, namespace: ns, generation: 1}
spec: {replicas: 2, selector: {matchLabels: {app: notify}}}
status: {observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 0, availableReplicas: 0,
  conditions: [{type: Available, status: "False"}, {type: Progressing, status: "True", reason: ReplicaSetUpdated}]}
`
	notifyPod = `
metadata:
  name: notify-7c9d-NAME
  namespace: ns
  labels: {app: notify, pod-template-hash: 7c9d}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: notify-7c9d, uid: rs-2, controller: true}]
spec: {containers: [{name: notify, image: "registry.example/notify:1"}]}
status:
  phase: Pending
  containerStatuses: [{name: notify, ready: false, restartCount: 0, state: {waiting: {reason: ImagePullBackOff, message: "manifest unknown"}}}]
`
)

func TestSummary(t *testing.T) {
	deploy := func(doc string) *appsv1.Deployment { return decode[appsv1.Deployment](t, doc) }
	pod := func(doc, name string) *corev1.Pod {
		return decode[corev1.Pod](t, strings.Replace(doc, "NAME", name, 1))
	}
	for _, c := range []struct {
		name string
		objs health.Objects
		want string
	}{
		{"the certain failure leads, then the count still progressing", health.Objects{
			Deployments: []*appsv1.Deployment{deploy(notifyDeploy), deploy(otherDeploy)},
			Pods:        []*corev1.Pod{pod(notifyPod, "a")}},
			"deployment/notify: pod notify-7c9d-a: container notify: ImagePullBackOff — manifest unknown; 1 other workload still progressing"},
		{"more pods failing the same way are counted", health.Objects{
			Deployments: []*appsv1.Deployment{deploy(notifyDeploy)},
			Pods:        []*corev1.Pod{pod(notifyPod, "a"), pod(notifyPod, "b")}},
			"deployment/notify: pod notify-7c9d-a: container notify: ImagePullBackOff — manifest unknown (and 1 more pod)"},
		{"other failures follow the first, in order", objects(t, "0"),
			"job/migrate: pod migrate-x1: container migrate: PodFailed — Error (exit code 1); also failed: pod/debug ImagePullBackOff; 1 other workload still progressing"},
		{"a failed workload without a pod finding leads with its own reason", health.Objects{
			Jobs: []*batchv1.Job{decode[batchv1.Job](t, failedJob)}},
			"job/migrate: JobFailed — Job Failed. failed: 1/1"},
		{"nothing certain: the workloads not healthy yet", health.Objects{
			Deployments: []*appsv1.Deployment{deploy(webDeploy), deploy(otherDeploy)},
			Pods:        []*corev1.Pod{pod(strings.Replace(webPod, "RESTARTS", "0", 1), "")}},
			"1/2 workloads healthy; not healthy: deployment/other LessUpdated"},
		{"all healthy", health.Objects{
			Deployments: []*appsv1.Deployment{deploy(webDeploy)},
			Pods:        []*corev1.Pod{pod(strings.Replace(webPod, "RESTARTS", "0", 1), "")}},
			"1/1 workloads healthy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws, err := (&Evaluation{}).Evaluate(c.objs, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if _, msg := summary(ws, "namespace ns"); msg != c.want {
				t.Fatalf("summary:\n got %q\nwant %q", msg, c.want)
			}
		})
	}
	if state, msg := summary(nil, "release st in namespace ns"); state != health.Progressing || msg != "no workloads found for release st in namespace ns" {
		t.Fatalf("empty: %s %q", state, msg)
	}
}

// A failed Job's failed pod is final: a certain failure, never "still
// progressing"; a running Job's failed pod may still be retried.
func TestEvaluateFailedJobPodIsCertain(t *testing.T) {
	for _, c := range []struct {
		name, job string
		certain   bool
	}{
		{"job failed", failedJob, true},
		{"job still running", strings.Replace(failedJob, "conditions: [{type: Failed, status: \"True\", reason: BackoffLimitExceeded}]", "active: 1", 1), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			objs := health.Objects{Jobs: []*batchv1.Job{decode[batchv1.Job](t, c.job)}, Pods: []*corev1.Pod{decode[corev1.Pod](t, jobPod)}}
			ws, err := (&Evaluation{Selection: Selection{Release: "st"}}).Evaluate(objs, time.Now())
			if err != nil || len(ws) != 1 || len(ws[0].Findings) != 1 {
				t.Fatalf("evaluate: %v %+v", err, ws)
			}
			if f := ws[0].Findings[0]; f.Certain != c.certain {
				t.Fatalf("finding %+v: certain %v, want %v", f, f.Certain, c.certain)
			}
		})
	}
}

// The autoscaler's events reach the Unschedulable rule through Objects, and
// the grace through the Evaluation: a bare pod and a Deployment's pod.
func TestEvaluateUnschedulable(t *testing.T) {
	pending := `
metadata: {name: big, namespace: ns, uid: pod-9, annotations: {meta.helm.sh/release-name: st, meta.helm.sh/release-namespace: ns}}
status:
  phase: Pending
  conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/1 nodes are available: 1 Insufficient cpu.", lastTransitionTime: "2025-10-26T11:59:30Z"}]
`
	scaleUp := `
metadata: {name: big.1873a1b2c3d4e5f6, namespace: ns}
involvedObject: {apiVersion: v1, kind: Pod, name: big, namespace: ns, uid: pod-9}
reason: TriggeredScaleUp
message: "pod triggered scale-up: [{eks-workers-2a 1->2 (max: 10)}]"
source: {component: cluster-autoscaler}
type: Normal
lastTimestamp: "2025-10-26T11:59:40Z"
`
	now := time.Date(2025, 10, 26, 12, 0, 0, 0, time.UTC) // 30 s unschedulable
	for _, c := range []struct {
		name   string
		grace  time.Duration
		events bool
		want   health.State
	}{
		{"default grace 15s passed", 0, false, health.Failed},
		{"--unschedulable-grace 1m", time.Minute, false, health.Progressing},
		{"TriggeredScaleUp", 0, true, health.Progressing},
	} {
		t.Run(c.name, func(t *testing.T) {
			objs := health.Objects{Pods: []*corev1.Pod{decode[corev1.Pod](t, pending)}}
			if c.events {
				objs.Events = []*corev1.Event{decode[corev1.Event](t, scaleUp)}
			}
			ev := &Evaluation{Selection: Selection{Release: "st"}, UnschedulableGrace: c.grace}
			ws, err := ev.Evaluate(objs, now)
			if err != nil || len(ws) != 1 {
				t.Fatalf("evaluate: %v %+v", err, ws)
			}
			if ws[0].State != c.want || ws[0].Reason != "Unschedulable" {
				t.Fatalf("got %s/%s, want %s/Unschedulable: %+v", ws[0].State, ws[0].Reason, c.want, ws[0])
			}
		})
	}
}

// A custom resource of the release is judged by the generic rule, and the
// pods it controls (or its ReplicaSets' pods, as an Argo Rollout's) are
// tied back to it.
func TestEvaluateCustomResource(t *testing.T) {
	rollout := `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web2, namespace: ns, uid: ro-1, generation: 1, annotations: {meta.helm.sh/release-name: st, meta.helm.sh/release-namespace: ns}}
status: {observedGeneration: 1, conditions: [{type: Progressing, status: "True", reason: NewReplicaSetAvailable}, {type: Available, status: "True"}]}
`
	pod := `
metadata:
  name: web2-6c9f-xyz
  namespace: ns
  uid: pod-7
  labels: {pod-template-hash: 6c9f}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web2-6c9f, uid: rs-7, controller: true}]
status: {phase: Running, containerStatuses: [{name: web, restartCount: 3, state: {waiting: {reason: CrashLoopBackOff}}}]}
`
	u := &unstructured.Unstructured{}
	j, err := yaml.YAMLToJSON([]byte(rollout))
	if err == nil {
		err = u.UnmarshalJSON(j) // integers as int64, as the API server's JSON decodes
	}
	if err != nil {
		t.Fatal(err)
	}
	objs := health.Objects{Custom: []*unstructured.Unstructured{u}, Pods: []*corev1.Pod{decode[corev1.Pod](t, pod)}}
	ws, err := (&Evaluation{Selection: Selection{Release: "st"}}).Evaluate(objs, time.Now())
	if err != nil || len(ws) != 1 {
		t.Fatalf("evaluate: %v %+v", err, ws)
	}
	w := ws[0]
	if w.Kind != "Rollout" || w.Pods != 1 || w.State != health.Failed || w.Reason != "CrashLoopBackOff" || w.Findings[0].Workload != "Rollout/web2" {
		t.Fatalf("rollout with a crash-looping pod: %+v", w)
	}
}

// An Available Deployment whose pod is in a crash loop's Running moment (up
// 3 s after a non-zero exit, as a real kubelet shows it) is not healthy yet;
// the same pod up for a minute is.
func TestEvaluateRecentlyRestartedHoldsAHealthyWorkload(t *testing.T) {
	at := time.Date(2025, 10, 26, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		started string
		want    health.State
	}{{"2025-10-26T11:59:57Z", health.Progressing}, {"2025-10-26T11:59:00Z", health.Healthy}} {
		objs := objects(t, "2")
		cs := &objs.Pods[0].Status.ContainerStatuses[0]
		cs.State.Running.StartedAt = *decode[metav1.Time](t, `"`+c.started+`"`)
		cs.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{Reason: "Error", ExitCode: 1}
		ws, err := (&Evaluation{Selection: Selection{Release: "st"}}).Evaluate(objs, at)
		if err != nil {
			t.Fatal(err)
		}
		if ws[0].Name != "web" || ws[0].State != c.want {
			t.Fatalf("started %s: %+v", c.started, ws[0])
		}
		if c.want == health.Progressing && (ws[0].Reason != health.RecentlyRestarted || len(ws[0].Findings) != 1) {
			t.Fatalf("started %s: reason %q findings %+v", c.started, ws[0].Reason, ws[0].Findings)
		}
	}
}
