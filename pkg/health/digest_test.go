package health

import "testing"

const (
	dA = "sha256:afca4c4df2dadca510e8695fdcf40e5ea409783e275c66bc4f9a7612a08027c7"
	dB = "sha256:00236f3a72084fdb7c8db77cca10f9381da6f95adf9330e475d731e4f687ba0c"
)

func TestDigests(t *testing.T) {
	pins := Pins{"authority": dA, "mongo": dB}
	cases := []struct {
		name, doc string
		want      []Finding
	}{
		{"match by image name", `
metadata: {name: p}
spec: {containers: [{name: api, image: "registry.stella-ops.org/stellaops/authority:1@` + dA + `"}]}
status: {containerStatuses: [{name: api, imageID: "registry.stella-ops.org/stellaops/authority@` + dA + `", state: {running: {}}}]}
`, nil},
		{"mismatch shows both digests", `
metadata: {name: p}
spec: {containers: [{name: db, image: "docker.io/library/mongo:7.0.14"}]}
status: {containerStatuses: [{name: db, imageID: "docker-pullable://docker.io/library/mongo@` + dA + `", state: {running: {}}}]}
`, []Finding{{Container: "db", Reason: "DigestMismatch", Certain: true, Expected: dB, Running: dA,
			Message: "running " + dA + ", release manifest 2025.10.0-edge pins " + dB}}},
		{"match by container name", `
metadata: {name: p}
spec: {containers: [{name: authority, image: "mirror.local/auth:1"}]}
status: {containerStatuses: [{name: authority, imageID: "mirror.local/auth@` + dB + `", state: {running: {}}}]}
`, []Finding{{Container: "authority", Reason: "DigestMismatch", Certain: true, Expected: dA, Running: dB,
			Message: "running " + dB + ", release manifest 2025.10.0-edge pins " + dA}}},
		{"unpinned component is not judged", `
metadata: {name: p}
spec: {containers: [{name: nats, image: "docker.io/library/nats:2.10"}]}
status: {containerStatuses: [{name: nats, imageID: "docker.io/library/nats@` + dA + `", state: {running: {}}}]}
`, nil},
		{"not started yet", `
metadata: {name: p}
spec: {containers: [{name: db, image: "mongo:7"}]}
status: {containerStatuses: [{name: db, imageID: ""}]}
`, nil},
		{"imageID known but still being created", `
metadata: {name: p}
spec: {containers: [{name: db, image: "mongo:7"}]}
status: {containerStatuses: [{name: db, imageID: "docker.io/library/mongo@` + dA + `", state: {waiting: {reason: ContainerCreating}}}]}
`, nil},
		{"crash-looping with the wrong digest is judged", `
metadata: {name: p}
spec: {containers: [{name: db, image: "mongo:7"}]}
status: {containerStatuses: [{name: db, imageID: "docker.io/library/mongo@` + dA + `", state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 1}}}]}
`, []Finding{{Container: "db", Reason: "DigestMismatch", Certain: true, Expected: dB, Running: dA,
			Message: "running " + dA + ", release manifest 2025.10.0-edge pins " + dB}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertFindings(t, Digests(podOf(t, c.doc), pins, "release manifest 2025.10.0-edge"), c.want)
		})
	}
}
