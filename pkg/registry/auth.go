package registry

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
)

// fileKeychain reads one docker-config-format file (Helm's registry
// config): {"auths": {"host[:port]": {"auth": base64(user:pass)} | {"username", "password"}}}.
type fileKeychain struct{ path string }

type dockerConfig struct {
	Auths map[string]struct {
		Auth          string `json:"auth"`
		Username      string `json:"username"`
		Password      string `json:"password"`
		IdentityToken string `json:"identitytoken"`
	} `json:"auths"`
}

// Resolve returns the credentials of the file for r's registry, or
// Anonymous. A missing or unreadable file is anonymous too (like helm).
func (k fileKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	data, err := os.ReadFile(k.path)
	if err != nil {
		return authn.Anonymous, nil
	}
	var cfg dockerConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return authn.Anonymous, nil
	}
	host := r.RegistryStr()
	for key, a := range cfg.Auths {
		k := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(key, "https://"), "http://"), "/")
		if k != host && !(host == "index.docker.io" && k == "docker.io") {
			continue
		}
		c := authn.AuthConfig{Username: a.Username, Password: a.Password, IdentityToken: a.IdentityToken}
		if a.Auth != "" {
			if dec, err := base64.StdEncoding.DecodeString(a.Auth); err == nil {
				c.Username, c.Password, _ = strings.Cut(string(dec), ":")
			}
		}
		return authn.FromConfig(c), nil
	}
	return authn.Anonymous, nil
}
