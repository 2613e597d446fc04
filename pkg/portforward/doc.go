// Package portforward opens a local port that reaches a ready pod of a
// Service (or of a label selector) through the Kubernetes API server, as
// `kubectl port-forward` does: WebSocket tunnelling first, SPDY as the
// fallback. Only 127.0.0.1 is ever listened on; no pod IP and no service
// proxy is ever contacted.
package portforward
