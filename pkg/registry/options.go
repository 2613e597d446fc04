package registry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// Options say how to reach registries.
type Options struct {
	Config    string        // docker-config-format credentials file (Helm's --registry-config); also ~/.docker/config.json
	CAFile    string        // extra CA bundle trusted for registry TLS
	PlainHTTP bool          // talk HTTP, not HTTPS (a loopback or lab mirror)
	Timeout   time.Duration // per request; 0 = 30 s
	Jobs      int           // parallel requests; 0 = 8

	transport http.RoundTripper
}

// Prepare validates the options and builds the shared transport. A CA
// file that cannot be read is invalid input.
func (o *Options) Prepare() error {
	if o.Jobs <= 0 {
		o.Jobs = 8
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = o.Jobs * 2
	t.ResponseHeaderTimeout = o.Timeout
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return exit.InvalidInput("flag --ca-file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return exit.InvalidInput("flag --ca-file: %s holds no PEM certificate", o.CAFile)
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	o.transport = t
	return nil
}

// Transport is the HTTP transport every request goes through.
func (o *Options) Transport() http.RoundTripper {
	if o.transport == nil {
		_ = o.Prepare()
	}
	return o.transport
}

// Keychain resolves credentials: the --registry-config file first, then
// the docker config (DOCKER_CONFIG, ~/.docker/config.json).
func (o *Options) Keychain() authn.Keychain {
	if o.Config == "" {
		return authn.DefaultKeychain
	}
	return authn.NewMultiKeychain(fileKeychain{path: o.Config}, authn.DefaultKeychain)
}

// Reference parses s as a go-containerregistry reference.
func (o *Options) Reference(s string) (name.Reference, error) {
	var opts []name.Option
	if o.PlainHTTP {
		opts = append(opts, name.Insecure)
	}
	r, err := name.ParseReference(s, opts...)
	if err != nil {
		return nil, fmt.Errorf("image reference %q: %w", s, err)
	}
	return r, nil
}

// Remote returns the go-containerregistry options of these Options.
func (o *Options) Remote(ctx context.Context, extra ...remote.Option) []remote.Option {
	return append([]remote.Option{
		remote.WithContext(ctx),
		remote.WithTransport(o.Transport()),
		remote.WithAuthFromKeychain(o.Keychain()),
		remote.WithJobs(o.Jobs),
	}, extra...)
}
