package plan

import (
	"strings"
	"testing"
)

func TestSecretValue(t *testing.T) {
	cases := []struct {
		v    string
		want bool
	}{
		{`"mongodb://stella:pw-123@mongo:27017/db"`, true},
		{`"https://user:tok@registry.example/v2"`, true},
		{`"-----BEGIN RSA PRIVATE KEY-----\nMII..."`, true},
		{`"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig"`, true},
		{`"https://registry.example/v2"`, false},
		{`"mongodb://mongo:27017/db"`, false},
		{`"registry.stella-ops.org/stellaops/authority:2025.09.2@sha256:de65"`, false},
		{`3`, false},
	}
	for _, c := range cases {
		if got := SecretValue(c.v); got != c.want {
			t.Errorf("SecretValue(%s) = %v, want %v", c.v, got, c.want)
		}
	}
}

// A credential under an innocent key is masked in the values diff.
func TestDiffMasksCredentialShapedValues(t *testing.T) {
	from := map[string]any{"config": map[string]any{"mongoUri": "mongodb://u:old-pw@mongo/db", "replicas": 1}}
	to := map[string]any{"config": map[string]any{"mongoUri": "mongodb://u:new-pw@mongo/db", "replicas": 2}}
	diff := Diff(from, to)
	if len(diff) != 2 {
		t.Fatalf("diff = %+v", diff)
	}
	for _, v := range diff {
		text := v.From + v.To
		if strings.Contains(text, "pw") {
			t.Fatalf("credential printed: %+v", v)
		}
		if v.Path == "config.mongoUri" && (!v.Masked || v.From != Masked) {
			t.Fatalf("mongoUri not masked: %+v", v)
		}
		if v.Path == "config.replicas" && (v.Masked || v.To != "2") {
			t.Fatalf("replicas must stay visible: %+v", v)
		}
	}
}
