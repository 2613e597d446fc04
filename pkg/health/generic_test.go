package health

import "testing"

func TestComputeGeneric(t *testing.T) {
	cases := []struct {
		name, doc string
		state     State
		reason    string
	}{
		{"ready", `
apiVersion: stella.test/v1
kind: Widget
metadata: {name: w, generation: 2}
status: {observedGeneration: 2, conditions: [{type: Ready, status: "True", reason: Reconciled}]}
`, Healthy, ""},
		{"ready false is progress", `
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: tls, generation: 1}
status: {conditions: [{type: Ready, status: "False", reason: Issuing, message: "Issuing certificate as Secret does not exist"}]}
`, Progressing, "Issuing"},
		{"generation not observed", `
apiVersion: stella.test/v1
kind: Widget
metadata: {name: w, generation: 3}
status: {observedGeneration: 2, conditions: [{type: Ready, status: "True"}]}
`, Progressing, "LatestGenerationNotObserved"},
		{"reconciling", `
apiVersion: stella.test/v1
kind: Widget
metadata: {name: w, generation: 1}
status: {observedGeneration: 1, conditions: [{type: Reconciling, status: "True", reason: Applying}]}
`, Progressing, "Applying"},
		{"stalled is certain", `
apiVersion: stella.test/v1
kind: Widget
metadata: {name: w, generation: 1}
status: {observedGeneration: 1, conditions: [{type: Stalled, status: "True", reason: InvalidSpec, message: "spec.size: must be positive"}]}
`, Failed, "InvalidSpec"},
		{"failed is certain", `
apiVersion: stella.test/v1
kind: Widget
metadata: {name: w, generation: 1}
status: {observedGeneration: 1, conditions: [{type: Failed, status: "True", reason: BackendDown, message: "no backend"}]}
`, Failed, "BackendDown"},
		{"available false", `
apiVersion: stella.test/v1
kind: Widget
metadata: {name: w}
status: {conditions: [{type: Available, status: "False", reason: MinimumReplicasUnavailable}]}
`, Progressing, "MinimumReplicasUnavailable"},
		{"progressing without ready", `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
status: {conditions: [{type: Progressing, status: "True", reason: ReplicaSetUpdated}]}
`, Progressing, "ReplicaSetUpdated"},
		{"progressing done, available", `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
status: {conditions: [{type: Progressing, status: "True", reason: NewReplicaSetAvailable}, {type: Available, status: "True"}]}
`, Healthy, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := obj(t, c.doc)
			if !HasStandardStatus(u) {
				t.Fatal("has standard status")
			}
			s, err := ComputeGeneric(u)
			if err != nil {
				t.Fatal(err)
			}
			if s.State != c.state || s.Reason != c.reason {
				t.Fatalf("got %+v, want %s/%q", s, c.state, c.reason)
			}
		})
	}
}

func TestGenericKinds(t *testing.T) {
	if HasStandardStatus(obj(t, "apiVersion: stella.test/v1\nkind: Settings\nmetadata: {name: s}\nspec: {a: 1}\n")) {
		t.Fatal("no status: not a workload")
	}
	for g, want := range map[string]bool{"": false, "apps": false, "networking.k8s.io": false, "argoproj.io": true, "cert-manager.io": true} {
		if Generic(g) != want {
			t.Errorf("Generic(%q) = %v", g, !want)
		}
	}
}
