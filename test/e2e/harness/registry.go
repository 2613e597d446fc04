package harness

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Registry is a reference OCI registry (distribution) this test started
// on 127.0.0.1: plain HTTP, or TLS with a CA the test made and htpasswd
// basic auth. It is stopped by pid when the test ends.
type Registry struct {
	Host       string // 127.0.0.1:port
	CAFile     string // PEM of the test CA ("" for plain HTTP)
	User, Pass string // basic auth ("" without auth)
	Dir        string // storage root
	DockerCfg  string // docker-config-format file holding User/Pass (for --registry-config)
	pid        int
	client     *http.Client
}

// RegistryOptions choose TLS + htpasswd auth, or neither.
type RegistryOptions struct {
	TLSAuth bool
}

// RegistryBin is the cached distribution registry binary.
func RegistryBin(t testing.TB) string {
	t.Helper()
	e := Get()
	if e == nil {
		t.Fatal("harness not set up: TestMain must call harness.Main")
	}
	return filepath.Join(e.BinDir, "registry-"+e.Versions["REGISTRY_VERSION"], "registry")
}

// StartRegistry starts a registry on a free loopback port and waits until
// it answers /v2/.
func StartRegistry(t testing.TB, o RegistryOptions) *Registry {
	t.Helper()
	dir := t.TempDir()
	r := &Registry{Dir: filepath.Join(dir, "storage"), Host: fmt.Sprintf("127.0.0.1:%d", freePort(t))}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	auth, tlsBlock := "", ""
	if o.TLSAuth {
		crt, key, pool := r.makeCA(t, dir)
		tlsCfg.RootCAs = pool
		tlsBlock = fmt.Sprintf("  tls:\n    certificate: %s\n    key: %s\n", crt, key)
		r.User, r.Pass = "stella", "s3cret-"+fmt.Sprint(time.Now().UnixNano()%1e6)
		hash, err := bcrypt.GenerateFromPassword([]byte(r.Pass), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		htpasswd := filepath.Join(dir, "htpasswd")
		mustWrite(t, htpasswd, r.User+":"+string(hash)+"\n")
		auth = fmt.Sprintf("auth:\n  htpasswd:\n    realm: stella-test\n    path: %s\n", htpasswd)
		r.DockerCfg = filepath.Join(dir, "registry-config.json")
		enc := base64.StdEncoding.EncodeToString([]byte(r.User + ":" + r.Pass))
		mustWrite(t, r.DockerCfg, fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, r.Host, enc))
	}
	cfg := filepath.Join(dir, "config.yml")
	mustWrite(t, cfg, fmt.Sprintf(`version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
%s%s`, r.Dir, r.Host, tlsBlock, auth))
	r.start(t, cfg, dir)
	r.client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsCfg}}
	r.waitReady(t)
	return r
}

func (r *Registry) start(t testing.TB, cfg, dir string) {
	t.Helper()
	cmd := exec.Command(RegistryBin(t), "serve", cfg)
	cmd.Env = append(os.Environ(), "OTEL_TRACES_EXPORTER=none", "OTEL_SDK_DISABLED=true")
	logf, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start registry: %v", err)
	}
	r.pid = cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(r.pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(r.pid, syscall.SIGKILL)
			<-done
		}
		logf.Close()
	})
}

// URL is the registry's base URL.
func (r *Registry) URL() string {
	if r.CAFile != "" {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// Client is an HTTP client trusting the registry's CA.
func (r *Registry) Client() *http.Client { return r.client }

func (r *Registry) waitReady(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := r.client.Get(r.URL() + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(filepath.Dir(r.Dir), "registry.log"))
	t.Fatalf("registry on %s not ready after 15 s:\n%s", r.Host, log)
}

// makeCA writes a CA and a server certificate for 127.0.0.1 signed by it.
func (r *Registry) makeCA(t testing.TB, dir string) (crt, key string, pool *x509.CertPool) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "stella test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	srvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(srvKey)
	r.CAFile, crt, key = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	mustWrite(t, r.CAFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})))
	mustWrite(t, crt, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvDER})))
	mustWrite(t, key, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	pool = x509.NewCertPool()
	pool.AddCert(ca)
	return crt, key, pool
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func mustWrite(t testing.TB, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// NewLocal is a T for tests that touch only files and loopback registries
// (offline-kit): no namespace, no clients; Run, Plugin and Example work.
func NewLocal(t *testing.T) *T {
	t.Helper()
	e := Get()
	if e == nil {
		t.Fatal("harness not set up: TestMain must call harness.Main")
	}
	return &T{T: t, Env: e, Kubeconfig: e.Kubeconfig}
}
