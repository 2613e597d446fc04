// Package standin is a small HTTP server that plays a Stella Ops service in
// the e2e tests: /health/liveness, /health/readiness (503 when told not
// ready) and /version (JSON service, version, commit, source). It can fail
// the next N requests, answer slowly, or hang. It listens on 127.0.0.1 only.
package standin

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Server is one stand-in service.
type Server struct {
	Service, Version, Commit string

	mu       sync.Mutex
	source   string
	notReady bool
	failNext int
	delay    time.Duration
	hang     bool

	requests  atomic.Int64
	srv       *http.Server
	closeOnce sync.Once
	ln        net.Listener
	stop      chan struct{}
}

// Start serves on a free port of 127.0.0.1.
func Start(service, version, commit, source string) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Service: service, Version: version, Commit: commit, source: source, ln: ln, stop: make(chan struct{})}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Port is the listening port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Requests counts the requests served so far.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Close stops the server and releases hanging requests.
// Closing twice is harmless (a test may close it early, its cleanup again).
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.stop) })
	_ = s.srv.Close()
}

// SetSource sets the channel /version reports.
func (s *Server) SetSource(src string) { s.set(func() { s.source = src }) }

// SetNotReady makes /health/readiness answer 503.
func (s *Server) SetNotReady(v bool) { s.set(func() { s.notReady = v }) }

// FailNext makes the next n requests answer 500, then recovers.
func (s *Server) FailNext(n int) { s.set(func() { s.failNext = n }) }

// SetDelay delays every answer by d.
func (s *Server) SetDelay(d time.Duration) { s.set(func() { s.delay = d }) }

// SetHang makes every request hang until the client or Close gives up.
func (s *Server) SetHang(v bool) { s.set(func() { s.hang = v }) }

// Reset restores the healthy behaviour with source src.
func (s *Server) Reset(src string) {
	s.set(func() { s.source, s.notReady, s.failNext, s.delay, s.hang = src, false, 0, 0, false })
}

func (s *Server) set(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mu.Lock()
	src, notReady, hang, delay := s.source, s.notReady, s.hang, s.delay
	failing := s.failNext > 0
	if failing {
		s.failNext--
	}
	s.mu.Unlock()
	if hang {
		select {
		case <-r.Context().Done():
		case <-s.stop:
		}
		return
	}
	time.Sleep(delay)
	if failing {
		http.Error(w, "simulated failure", http.StatusInternalServerError)
		return
	}
	switch r.URL.Path {
	case "/health/liveness":
		fmt.Fprintln(w, "Healthy")
	case "/health/readiness":
		if notReady {
			http.Error(w, "Unhealthy: dependencies not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "Healthy")
	case "/version":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"service": s.Service, "version": s.Version, "commit": s.Commit, "source": src})
	default:
		http.NotFound(w, r)
	}
}
