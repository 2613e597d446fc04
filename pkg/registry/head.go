package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// ErrUnreachable marks an error reaching a registry (network, TLS, auth).
var ErrUnreachable = errors.New("registry unreachable")

// accept lists every manifest media type a pin may name.
var accept = strings.Join([]string{
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.docker.distribution.manifest.v2+json",
}, ", ")

// Head reports whether ref's registry holds ref's digest (or tag), with one
// HEAD request carrying the credentials up front. A registry that answers
// with a bearer-token challenge gets the full token dance instead (more
// requests). Failing to reach or authenticate is an ErrUnreachable error.
func (o *Options) Head(ctx context.Context, ref name.Reference) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	reg := ref.Context().Registry
	url := fmt.Sprintf("%s://%s/v2/%s/manifests/%s", scheme(o, reg), reg.RegistryStr(), ref.Context().RepositoryStr(), ref.Identifier())
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", accept)
	auth, err := authn.Resolve(ctx, o.Keychain(), reg)
	if err != nil {
		return false, fmt.Errorf("%w: %s: credentials: %v", ErrUnreachable, reg.RegistryStr(), err)
	}
	if cfg, err := authn.Authorization(ctx, auth); err == nil && cfg.Username != "" {
		req.SetBasicAuth(cfg.Username, cfg.Password)
	}
	resp, err := o.Transport().RoundTrip(req)
	if err != nil {
		return false, fmt.Errorf("%w: %s: %v", ErrUnreachable, reg.RegistryStr(), err)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
		return true, nil
	case resp.StatusCode == http.StatusNotFound:
		return false, nil
	case resp.StatusCode == http.StatusUnauthorized && strings.HasPrefix(strings.ToLower(resp.Header.Get("WWW-Authenticate")), "bearer"):
		return o.headWithToken(ctx, ref)
	}
	return false, fmt.Errorf("%w: %s: HEAD %s: %s", ErrUnreachable, reg.RegistryStr(), ref.Context().RepositoryStr(), resp.Status)
}

// headWithToken is go-containerregistry's HEAD (ping, token, HEAD).
func (o *Options) headWithToken(ctx context.Context, ref name.Reference) (bool, error) {
	_, err := remote.Head(ref, o.Remote(ctx)...)
	var terr *transport.Error
	if errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%w: %s: %v", ErrUnreachable, ref.Context().RegistryStr(), err)
	}
	return true, nil
}

func scheme(o *Options, reg name.Registry) string {
	if o.PlainHTTP {
		return "http"
	}
	return "https"
}
