package smoke

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/portforward"
)

// maxBody bounds what an http check reads of a response.
const maxBody = 1 << 20

// httpAttempt makes one request: through its own port-forward to a ready
// pod (resolved again when retrying), or to the --base-url override.
func (o *Smoke) httpAttempt(ctx context.Context, ns string, h *httpStep, res *resolver, retry bool) outcome {
	base := h.BaseURL
	var fwd *portforward.Session
	if base == "" {
		t := portforward.Target{Namespace: ns, Service: h.Service, Selector: h.Selector, Port: h.Port}
		if h.Service != "" {
			t.Selector = nil
		}
		pod, port, err := res.resolve(ctx, o.cfg.Typed, t, retry)
		if err != nil {
			return outcome{Reason: err.Error()}
		}
		s, err := portforward.OpenPod(ctx, o.cfg.REST, o.cfg.Typed, ns, pod, port)
		if err != nil {
			return outcome{Reason: err.Error()}
		}
		defer s.Close()
		base, fwd = s.URL(), s
	}
	req, err := http.NewRequestWithContext(ctx, h.Method, base+h.Path, nil)
	if err != nil {
		return outcome{Reason: fmt.Sprintf("request: %v", err)}
	}
	for k, v := range h.Headers {
		req.Header.Set(k, v)
	}
	resp, err := o.client().Do(req)
	if err != nil {
		return outcome{Reason: fmt.Sprintf("%s %s: %v", h.Method, h.Path, forwardErr(fwd, unwrapURL(err)))}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return outcome{Reason: fmt.Sprintf("%s %s: read body: %v", h.Method, h.Path, forwardErr(fwd, err))}
	}
	return outcome{Reason: evaluateHTTP(h, resp.StatusCode, body)}
}

// evaluateHTTP is the pure verdict on a response: "" passes, else the reason.
func evaluateHTTP(h *httpStep, status int, body []byte) string {
	where := h.Method + " " + h.Path
	if status != h.Status {
		return fmt.Sprintf("%s: status %d, want %d%s", where, status, h.Status, snippet(body))
	}
	if h.Body != nil && !h.Body.Match(body) {
		return fmt.Sprintf("%s: body does not match /%s/%s", where, h.Body, snippet(body))
	}
	if len(h.JSON) == 0 {
		return ""
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return fmt.Sprintf("%s: body is not JSON: %v%s", where, err, snippet(body))
	}
	var reasons []string
	for _, a := range h.JSON {
		got, ok := field(doc, a.Field)
		switch {
		case !ok:
			reasons = append(reasons, fmt.Sprintf("field %s missing", a.Field))
		case a.Equals != nil && got != *a.Equals:
			reasons = append(reasons, fmt.Sprintf("field %s = %q, want %q", a.Field, got, *a.Equals))
		case a.Matches != nil && !a.Matches.MatchString(got):
			reasons = append(reasons, fmt.Sprintf("field %s = %q, does not match /%s/", a.Field, got, a.Matches))
		}
	}
	if len(reasons) > 0 {
		return where + ": " + strings.Join(reasons, "; ")
	}
	return ""
}

// field walks a dotted path (object keys, array indexes) and renders the
// scalar found as text: strings as is, numbers and booleans as JSON.
func field(doc any, path string) (string, bool) {
	cur := doc
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return "", false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return "", false
			}
			cur = v[i]
		default:
			return "", false
		}
	}
	switch v := cur.(type) {
	case string:
		return v, true
	case nil:
		return "null", true
	case map[string]any, []any:
		b, _ := json.Marshal(v)
		return string(b), true
	default:
		return fmt.Sprint(v), true
	}
}

// snippet quotes the start of a body for a reason line.
func snippet(body []byte) string {
	s := strings.TrimSpace(string(body))
	if s == "" {
		return ""
	}
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return fmt.Sprintf(" (body: %q)", s)
}

// forwardErr prefers the port-forward's own error (what the API server or
// kubelet said: no forward for that port, connection refused) over the
// EOF the client read when the forward dropped the connection.
func forwardErr(s *portforward.Session, err error) error {
	if ferr := s.Err(); ferr != nil {
		return fmt.Errorf("port-forward to pod %s port %d: %w", s.Pod, s.PodPort, ferr)
	}
	return err
}

func unwrapURL(err error) error {
	if u, ok := err.(interface{ Unwrap() error }); ok && u.Unwrap() != nil {
		return u.Unwrap()
	}
	return err
}

func (o *Smoke) client() *http.Client {
	if o.HTTPClient != nil {
		return o.HTTPClient
	}
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, DisableKeepAlives: true}}
}
