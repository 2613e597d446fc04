package main

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"

	"k8s.io/client-go/tools/clientcmd"
)

// byteProxy is a loopback TCP relay in front of the API server that counts
// the bytes each command receives (TLS passes through untouched).
type byteProxy struct {
	ln       net.Listener
	upstream string
	received atomic.Int64
}

// startProxy relays to kubeconfig's server and writes a copy of kubeconfig
// pointing at the relay; it returns the relay and that copy's path.
func startProxy(kubeconfig, dir string) (*byteProxy, string, error) {
	cfg, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		return nil, "", err
	}
	cluster := cfg.Clusters[cfg.Contexts[cfg.CurrentContext].Cluster]
	u, err := url.Parse(cluster.Server)
	if err != nil {
		return nil, "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	p := &byteProxy{ln: ln, upstream: u.Host}
	if cluster.TLSServerName == "" {
		cluster.TLSServerName = u.Hostname()
	}
	u.Host = ln.Addr().String()
	cluster.Server = u.String()
	path := filepath.Join(dir, "kubeconfig-bench-proxy")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		ln.Close()
		return nil, "", err
	}
	go p.serve()
	return p, path, nil
}

func (p *byteProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.relay(c)
	}
}

func (p *byteProxy) relay(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench-bookmark: proxy: %v\n", err)
		return
	}
	go func() {
		_, _ = io.Copy(up, c)
		up.Close()
	}()
	_, _ = io.Copy(counter{c, &p.received}, up)
}

// counter counts the bytes written through it.
type counter struct {
	w io.Writer
	n *atomic.Int64
}

func (c counter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n.Add(int64(n))
	return n, err
}

// take returns the bytes relayed to clients since the last take.
func (p *byteProxy) take() int64 { return p.received.Swap(0) }

func (p *byteProxy) close() { p.ln.Close() }
