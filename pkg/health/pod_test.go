package health

import (
	"testing"
	"time"
)

var now = time.Date(2025, 10, 26, 12, 0, 0, 0, time.UTC)

func TestPod(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []Finding // Pod is filled in from the fixture
	}{
		{"ready", `
metadata: {name: p}
status: {phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: app, ready: true, state: {running: {}}}]}
`, nil},
		{"succeeded", `
metadata: {name: p}
status: {phase: Succeeded}
`, nil},
		{"terminating is ignored", `
metadata: {name: p, deletionTimestamp: "2025-10-26T11:59:00Z"}
status: {phase: Running, containerStatuses: [{name: app, state: {waiting: {reason: CrashLoopBackOff}}}]}
`, nil},
		{"crash loop", `
metadata: {name: p}
status:
  phase: Running
  containerStatuses:
  - name: app
    restartCount: 4
    state: {waiting: {reason: CrashLoopBackOff, message: "back-off 20s"}}
    lastState: {terminated: {reason: Error, exitCode: 1}}
`, []Finding{{Container: "app", Reason: "CrashLoopBackOff", Message: "back-off 20s; last exit: Error (exit code 1)", Certain: true, Restarts: 4}}},
		{"oom killed", `
metadata: {name: p}
status:
  phase: Running
  containerStatuses:
  - name: app
    restartCount: 2
    state: {waiting: {reason: CrashLoopBackOff}}
    lastState: {terminated: {reason: OOMKilled, exitCode: 137}}
`, []Finding{{Container: "app", Reason: "OOMKilled", Message: "last exit: OOMKilled (exit code 137)", Certain: true, Restarts: 2}}},
		{"crash loop between restarts (real kubelet: terminated Error, not CrashLoopBackOff)", `
metadata: {name: p}
status:
  phase: Running
  containerStatuses:
  - name: app
    restartCount: 2
    state: {terminated: {reason: Error, exitCode: 1}}
    lastState: {terminated: {reason: Error, exitCode: 1}}
`, []Finding{{Container: "app", Reason: "CrashLoopBackOff", Message: "restarted 2 time(s); last exit: Error (exit code 1)", Certain: true, Restarts: 2}}},
		{"running and ready 3 s after a crash (real kubelet between back-offs)", `
metadata: {name: p}
status:
  phase: Running
  conditions: [{type: Ready, status: "True"}]
  containerStatuses:
  - name: app
    ready: true
    restartCount: 3
    state: {running: {startedAt: "2025-10-26T11:59:57Z"}}
    lastState: {terminated: {reason: Error, exitCode: 1}}
`, []Finding{{Container: "app", Reason: "RecentlyRestarted", Message: "up 3s after restart 3 (settles after 10s); last exit: Error (exit code 1)", Restarts: 3}}},
		{"up for a minute after a crash: settled", `
metadata: {name: p}
status:
  phase: Running
  conditions: [{type: Ready, status: "True"}]
  containerStatuses:
  - {name: app, ready: true, restartCount: 1, state: {running: {startedAt: "2025-10-26T11:59:00Z"}}, lastState: {terminated: {reason: Error, exitCode: 1}}}
`, nil},
		{"restarted after a clean exit: healthy", `
metadata: {name: p}
status:
  phase: Running
  conditions: [{type: Ready, status: "True"}]
  containerStatuses:
  - {name: app, ready: true, restartCount: 1, state: {running: {startedAt: "2025-10-26T11:59:59Z"}}, lastState: {terminated: {reason: Completed, exitCode: 0}}}
`, nil},
		{"oom killed between restarts (real kubelet)", `
metadata: {name: p}
status:
  phase: Running
  containerStatuses:
  - name: app
    restartCount: 1
    state: {terminated: {reason: OOMKilled, exitCode: 137}}
`, []Finding{{Container: "app", Reason: "OOMKilled", Message: "restarted 1 time(s); last exit: OOMKilled (exit code 137)", Certain: true, Restarts: 1}}},
		{"first crash is not yet certain", `
metadata: {name: p}
status:
  phase: Running
  conditions: [{type: Ready, status: "False"}]
  containerStatuses:
  - name: app
    restartCount: 0
    state: {terminated: {reason: Error, exitCode: 1}}
`, []Finding{{Container: "app", Reason: "NotReady", Message: "container terminated: Error (exit code 1)"}}},
		{"image pull backoff", `
metadata: {name: p}
status: {phase: Pending, containerStatuses: [{name: app, state: {waiting: {reason: ImagePullBackOff, message: "manifest unknown"}}}]}
`, []Finding{{Container: "app", Reason: "ImagePullBackOff", Message: "manifest unknown", Certain: true}}},
		{"err image pull", `
metadata: {name: p}
status: {phase: Pending, containerStatuses: [{name: app, state: {waiting: {reason: ErrImagePull}}}]}
`, []Finding{{Container: "app", Reason: "ErrImagePull", Certain: true}}},
		{"create container config error", `
metadata: {name: p}
status: {phase: Pending, containerStatuses: [{name: app, state: {waiting: {reason: CreateContainerConfigError, message: 'secret "db" not found'}}}]}
`, []Finding{{Container: "app", Reason: "CreateContainerConfigError", Message: `secret "db" not found`, Certain: true}}},
		{"container creating is progress", `
metadata: {name: p}
status: {phase: Pending, containerStatuses: [{name: app, state: {waiting: {reason: ContainerCreating}}}]}
`, []Finding{{Reason: "Pending", Message: "pod is Pending"}}},
		{"init container failed", `
metadata: {name: p}
status:
  phase: Pending
  initContainerStatuses: [{name: migrate, state: {terminated: {reason: Error, exitCode: 3, message: "no db"}}}]
  containerStatuses: [{name: app, state: {waiting: {reason: PodInitializing}}}]
`, []Finding{{Container: "migrate", Init: true, Reason: "InitContainerFailed", Message: "Error (exit code 3): no db", Certain: true}}},
		{"init container crash loop", `
metadata: {name: p}
status:
  phase: Pending
  initContainerStatuses: [{name: migrate, restartCount: 3, state: {waiting: {reason: CrashLoopBackOff}}}]
`, []Finding{{Container: "migrate", Init: true, Reason: "InitContainerCrashLoopBackOff", Certain: true, Restarts: 3}}},
		{"unschedulable within window", `
metadata: {name: p, creationTimestamp: "2025-10-26T11:59:55Z"}
status: {phase: Pending, conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/1 nodes are available: 1 Insufficient cpu."}]}
`, []Finding{{Reason: "Unschedulable", Message: "0/1 nodes are available: 1 Insufficient cpu."}}},
		{"unschedulable after window", `
metadata: {name: p, creationTimestamp: "2025-10-26T11:59:00Z"}
status: {phase: Pending, conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/1 nodes"}]}
`, []Finding{{Reason: "Unschedulable", Message: "0/1 nodes", Certain: true}}},
		{"running not ready", `
metadata: {name: p}
status:
  phase: Running
  conditions: [{type: Ready, status: "False", reason: ContainersNotReady}]
  containerStatuses: [{name: app, ready: false, state: {running: {}}}, {name: side, ready: true, state: {running: {}}}]
`, []Finding{{Container: "app", Reason: "NotReady", Message: "container is running but not ready (readiness probe)"}}},
		{"bare pod failed", `
metadata: {name: p}
status: {phase: Failed, containerStatuses: [{name: app, state: {terminated: {reason: Error, exitCode: 1}}}]}
`, []Finding{{Container: "app", Reason: "PodFailed", Message: "Error (exit code 1)", Certain: true}}},
		{"evicted", `
metadata: {name: p}
status: {phase: Failed, reason: Evicted, message: "The node was low on resource: memory."}
`, []Finding{{Reason: "Evicted", Message: "The node was low on resource: memory.", Certain: true}}},
		{"job pod failed is the job's call", `
metadata: {name: p, ownerReferences: [{apiVersion: batch/v1, kind: Job, name: j, uid: u1, controller: true}]}
status: {phase: Failed, containerStatuses: [{name: app, state: {terminated: {reason: Error, exitCode: 1}}}]}
`, []Finding{{Container: "app", Reason: "PodFailed", Message: "Error (exit code 1)"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Pod(podOf(t, c.doc), now, Scheduling{})
			assertFindings(t, got, c.want)
		})
	}
}

func assertFindings(t *testing.T, got, want []Finding) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d findings %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range want {
		want[i].Pod = got[i].Pod
		g, w := got[i], want[i]
		if g.Pod != "p" || g.Container != w.Container || g.Init != w.Init || g.Reason != w.Reason ||
			g.Message != w.Message || g.Certain != w.Certain || g.Restarts != w.Restarts || g.Expected != w.Expected || g.Running != w.Running {
			t.Fatalf("finding %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestRestarts(t *testing.T) {
	p := podOf(t, `
metadata: {name: p, uid: u1}
status:
  phase: Running
  conditions: [{type: Ready, status: "True"}]
  containerStatuses:
  - {name: app, ready: true, restartCount: 1, state: {running: {}}, lastState: {terminated: {reason: Error, exitCode: 1}}}
  - {name: side, ready: true, restartCount: 2, state: {running: {}}}
  - {name: new, ready: true, restartCount: 5, state: {running: {}}}
`)
	base := map[string]int32{"u1/app": 0, "u1/side": 2}
	if f := Pod(p, now, Scheduling{}); f != nil {
		t.Fatalf("a ready pod has no pod findings: %+v", f)
	}
	assertFindings(t, Restarts(p, base), []Finding{{Container: "app", Reason: "RestartedDuringCheck",
		Message: "restarted 1 time(s) during the check; last exit: Error (exit code 1)", Certain: true, Restarts: 1}})
}

// A restart whose last exit was the memory limit names it, as a real kubelet
// restarts an OOMKilled container at once (running again, not ready yet).
func TestRestartsOOMKilled(t *testing.T) {
	p := podOf(t, `
metadata: {name: p, uid: u1}
status:
  phase: Running
  containerStatuses:
  - {name: app, ready: false, restartCount: 1, state: {running: {}}, lastState: {terminated: {reason: OOMKilled, exitCode: 137}}}
`)
	assertFindings(t, Restarts(p, map[string]int32{"u1/app": 0}), []Finding{{Container: "app", Reason: "OOMKilled",
		Message: "restarted 1 time(s) during the check; last exit: OOMKilled (exit code 137)", Certain: true, Restarts: 1}})
}
