package suite

import "testing"

// FuzzParse: any bytes yield a suite or an error, never a panic; a parsed
// suite's checks all have names.
func FuzzParse(f *testing.F) {
	f.Add([]byte("checks:\n  - name: live\n    http: {service: web, port: http, path: /health/liveness}\n"))
	f.Add([]byte("timeout: 30s\nretries: 3\nchecks:\n  - name: eps\n    endpoints: {min: 1}\n  - name: t\n    helmTests: {}\n"))
	f.Add([]byte("checks:\n  - name: j\n    job: {template: {spec: {template: {spec: {containers: [{name: c, image: busybox}]}}}}}\n"))
	f.Add([]byte("checks: [{name: a, http: {service: s, json: [{field: x, equals: \"{{ .Channel }}\"}]}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		for i, c := range s.Checks {
			if c.Name == "" {
				t.Fatalf("check %d without a name", i)
			}
		}
	})
}
