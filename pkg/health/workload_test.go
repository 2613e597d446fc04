package health

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func obj(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	j, err := yaml.YAMLToJSON([]byte(doc))
	if err == nil {
		err = u.UnmarshalJSON(j) // integers as int64, as the API server's JSON decodes
	}
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return u
}

func TestCompute(t *testing.T) {
	cases := []struct {
		name, doc      string
		state          State
		reason         string
		ready, desired int64
	}{
		{"deployment available", `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, generation: 2}
spec: {replicas: 3, progressDeadlineSeconds: 60}
status:
  observedGeneration: 2
  replicas: 3
  updatedReplicas: 3
  readyReplicas: 3
  availableReplicas: 3
  conditions:
  - {type: Available, status: "True"}
  - {type: Progressing, status: "True", reason: NewReplicaSetAvailable}
`, Healthy, "", 3, 3},
		{"deployment rolling", `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, generation: 2}
spec: {replicas: 3}
status: {observedGeneration: 2, replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3}
`, Progressing, "LessUpdated", 3, 3},
		{"deployment progress deadline exceeded", `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, generation: 1}
spec: {replicas: 1, progressDeadlineSeconds: 30}
status:
  observedGeneration: 1
  replicas: 1
  conditions:
  - {type: Progressing, status: "False", reason: ProgressDeadlineExceeded, message: "ReplicaSet web-1 has timed out progressing."}
`, Failed, "ProgressDeadlineExceeded", 0, 1},
		{"deployment generation not observed", `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, generation: 3}
spec: {replicas: 1}
status: {observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1}
`, Progressing, "LatestGenerationNotObserved", 1, 1},
		{"statefulset ready", `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, generation: 1}
spec: {replicas: 2}
status: {observedGeneration: 1, replicas: 2, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 2, currentRevision: r1, updateRevision: r1}
`, Healthy, "", 2, 2},
		{"statefulset revision mismatch", `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, generation: 2}
spec: {replicas: 2}
status: {observedGeneration: 2, replicas: 2, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 1, currentRevision: r1, updateRevision: r2}
`, Progressing, "RevisionMismatch", 2, 2},
		{"statefulset partition done", `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, generation: 2}
spec: {replicas: 3, updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}}
status: {observedGeneration: 2, replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1, currentRevision: r1, updateRevision: r2}
`, Healthy, "", 3, 3},
		{"statefulset partition rolling", `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, generation: 2}
spec: {replicas: 3, updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 1}}}
status: {observedGeneration: 2, replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1, currentRevision: r1, updateRevision: r2}
`, Progressing, "PartitionRollout", 3, 3},
		{"statefulset ondelete not ready", `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, generation: 1}
spec: {replicas: 2, updateStrategy: {type: OnDelete}}
status: {observedGeneration: 1, replicas: 2, readyReplicas: 1}
`, Progressing, "OnDeleteNotReady", 1, 2},
		{"statefulset ondelete old revision", `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, generation: 2}
spec: {replicas: 2, updateStrategy: {type: OnDelete}}
status: {observedGeneration: 2, replicas: 2, readyReplicas: 2, updatedReplicas: 0, currentRevision: r1, updateRevision: r2}
`, Healthy, "OnDeletePending", 2, 2},
		{"daemonset ready", `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, generation: 1}
status: {observedGeneration: 1, desiredNumberScheduled: 2, currentNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2, numberReady: 2}
`, Healthy, "", 2, 2},
		{"daemonset not ready", `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, generation: 1}
status: {observedGeneration: 1, desiredNumberScheduled: 2, currentNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2, numberReady: 1}
`, Progressing, "LessReady", 1, 2},
		{"job complete", `
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, generation: 1}
spec: {completions: 1}
status: {startTime: "2025-01-01T00:00:00Z", succeeded: 1, conditions: [{type: Complete, status: "True"}]}
`, Healthy, "", 1, 1},
		{"job running", `
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, generation: 1}
spec: {completions: 1}
status: {startTime: "2025-01-01T00:00:00Z", active: 1}
`, Progressing, "JobRunning", 0, 1},
		{"job failed", `
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, generation: 1}
spec: {completions: 1, backoffLimit: 0}
status: {startTime: "2025-01-01T00:00:00Z", failed: 1, conditions: [{type: Failed, status: "True", reason: BackoffLimitExceeded}]}
`, Failed, "JobFailed", 0, 1},
		{"bare pod ready", `
apiVersion: v1
kind: Pod
metadata: {name: p}
status: {phase: Running, conditions: [{type: Ready, status: "True"}]}
`, Healthy, "", 1, 1},
		{"bare pod completed", `
apiVersion: v1
kind: Pod
metadata: {name: p}
status: {phase: Succeeded}
`, Healthy, "Completed", 0, 1},
		{"bare pod failed", `
apiVersion: v1
kind: Pod
metadata: {name: p}
status: {phase: Failed}
`, Failed, "PodFailed", 0, 1},
		{"bare pod crash looping", `
apiVersion: v1
kind: Pod
metadata: {name: p}
status:
  phase: Running
  conditions: [{type: Ready, status: "False"}]
  containerStatuses: [{name: app, state: {waiting: {reason: CrashLoopBackOff}}}]
`, Failed, "ContainerCrashLooping", 0, 1},
		{"bare pod unschedulable is the pod rule's call", `
apiVersion: v1
kind: Pod
metadata: {name: p, creationTimestamp: "2025-01-01T00:00:00Z"}
status:
  phase: Pending
  conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, lastTransitionTime: "2025-01-01T00:00:00Z"}]
`, Progressing, "Unschedulable", 0, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Compute(obj(t, c.doc))
			if err != nil {
				t.Fatal(err)
			}
			if s.State != c.state || s.Reason != c.reason || s.Ready != c.ready || s.Desired != c.desired {
				t.Fatalf("got %+v, want state %s reason %q ready %d/%d", s, c.state, c.reason, c.ready, c.desired)
			}
		})
	}
}

func TestComputeUnknownKind(t *testing.T) {
	if _, err := Compute(obj(t, "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")); err == nil {
		t.Fatal("a kind outside the table must be an error")
	}
}

func TestWorkloadStatusTyped(t *testing.T) {
	u := obj(t, `
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, generation: 1}
spec: {completions: 2}
status: {startTime: "2025-01-01T00:00:00Z", succeeded: 2, conditions: [{type: Complete, status: "True"}]}
`)
	var typed = jobOf(t, u)
	s, err := WorkloadStatus(typed) // typed objects from a LIST carry no kind
	if err != nil || s.State != Healthy || s.Ready != 2 || s.Desired != 2 {
		t.Fatalf("typed job: %+v %v", s, err)
	}
}

func TestWorse(t *testing.T) {
	if Worse(Healthy, Progressing) != Progressing || Worse(Failed, Progressing) != Failed || Worse("", Healthy) != "" {
		t.Fatal("Worse ranks Healthy < Progressing < Failed")
	}
}
