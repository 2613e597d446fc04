package portforward

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
)

// Session is an open forward from 127.0.0.1:LocalPort to Pod:PodPort.
type Session struct {
	Pod       string
	PodPort   int
	LocalPort int
	cancel    context.CancelFunc
	done      chan error
	errs      *errorLog
}

// Err is what went wrong forwarding a connection of this session, as the
// API server and kubelet said it (nil when nothing did). A client that
// read EOF through the forward finds the reason here.
func (s *Session) Err() error {
	if s == nil || s.errs == nil {
		return nil
	}
	return s.errs.err()
}

// Open resolves t to a ready pod and forwards a free loopback port to it.
// The session ends when ctx ends or Close is called.
func Open(ctx context.Context, cfg *rest.Config, c kubernetes.Interface, t Target) (*Session, error) {
	pod, port, err := Resolve(ctx, c, t)
	if err != nil {
		return nil, err
	}
	return OpenPod(ctx, cfg, c, t.Namespace, pod, port)
}

// OpenPod forwards a free loopback port to port of pod namespace/name.
func OpenPod(ctx context.Context, cfg *rest.Config, c kubernetes.Interface, namespace, pod string, port int) (*Session, error) {
	rc := c.CoreV1().RESTClient()
	u := rc.Post().Resource("pods").Namespace(namespace).Name(pod).SubResource("portforward").URL()
	dialer, err := dialer(cfg, u.String())
	if err != nil {
		return nil, err
	}
	errs := &errorLog{}
	fctx, cancel := context.WithCancel(withErrorLog(ctx, errs))
	ready := make(chan struct{})
	fw, err := portforward.NewOnAddressesWithContext(fctx, dialer, []string{"127.0.0.1"},
		[]string{"0:" + strconv.Itoa(port)}, ready, io.Discard, io.Discard)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("port-forward to pod %s/%s: %w", namespace, pod, err)
	}
	s := &Session{Pod: pod, PodPort: port, cancel: cancel, done: make(chan error, 1), errs: errs}
	go func() { s.done <- fw.ForwardPorts() }()
	select {
	case <-ready:
	case err := <-s.done:
		cancel()
		return nil, fmt.Errorf("port-forward to pod %s/%s port %d: %w", namespace, pod, port, err)
	case <-ctx.Done():
		cancel()
		return nil, fmt.Errorf("port-forward to pod %s/%s: %w", namespace, pod, ctx.Err())
	}
	ports, err := fw.GetPorts()
	if err != nil || len(ports) == 0 {
		s.Close()
		return nil, fmt.Errorf("port-forward to pod %s/%s: no local port: %v", namespace, pod, err)
	}
	s.LocalPort = int(ports[0].Local)
	return s, nil
}

// URL is the base URL of the forwarded port.
func (s *Session) URL() string { return fmt.Sprintf("http://127.0.0.1:%d", s.LocalPort) }

// Close stops the forward and waits for it to end.
func (s *Session) Close() {
	if s == nil || s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
	s.cancel = nil
}

// dialer tries the WebSocket tunnel first and falls back to SPDY, like kubectl.
func dialer(cfg *rest.Config, raw string) (httpstream.Dialer, error) {
	u, err := parseURL(raw)
	if err != nil {
		return nil, err
	}
	transport, upgrader, err := spdy.RoundTripperFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("port-forward transport: %w", err)
	}
	spdyDialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, u)
	ws, err := portforward.NewSPDYOverWebsocketDialer(u, cfg)
	if err != nil {
		return nil, fmt.Errorf("port-forward websocket dialer: %w", err)
	}
	return portforward.NewFallbackDialer(ws, spdyDialer, func(err error) bool {
		return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
	}), nil
}
