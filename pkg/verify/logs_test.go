package verify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestLogsUnavailable: every shape of a failed pods/log read becomes one
// short line saying why, never client-go's "rejected our request for an
// unknown reason".
func TestLogsUnavailable(t *testing.T) {
	pods := schema.GroupResource{Resource: "pods"}
	generic := func(code int) error { // the API server answered without a Status client-go could read
		return apierrors.NewGenericServerResponse(code, "get", pods, "notify-1", "unknown", 0, true)
	}
	for _, c := range []struct {
		name string
		err  error
		node string
		want string
	}{
		{"kwok keeps no logs", apierrors.NewBadRequest(`no logs found for container "notify" in pod "web/notify-1"`), "kwok-node-0",
			"logs unavailable: node kwok-node-0 serves no logs"},
		{"a 400 without a reason", generic(http.StatusBadRequest), "kwok-node-0",
			"logs unavailable: node kwok-node-0 serves no logs"},
		{"a 400 without a reason, node unknown", generic(http.StatusBadRequest), "",
			"logs unavailable: the pod's node serves no logs"},
		{"the kubelet's words are kept", apierrors.NewBadRequest(`container "notify" in pod "notify-1" is waiting to start: trying and failing to pull image`), "n1",
			`logs unavailable: container "notify" in pod "notify-1" is waiting to start: trying and failing to pull image`},
		{"no previous instance", apierrors.NewBadRequest(`previous terminated container "notify" in pod "notify-1" not found`), "n1",
			`logs unavailable: previous terminated container "notify" in pod "notify-1" not found`},
		{"pod gone", apierrors.NewNotFound(pods, "notify-1"), "n1", `logs unavailable: pods "notify-1" not found`},
		{"pod gone, no Status", generic(http.StatusNotFound), "n1", "logs unavailable: the pod is gone"},
		{"forbidden", apierrors.NewForbidden(schema.GroupResource{Resource: "pods/log"}, "notify-1", errors.New("RBAC: no")), "n1",
			"logs unavailable: forbidden: needs get on pods/log (docs/rbac.md)"},
		{"unauthorized", apierrors.NewUnauthorized("Unauthorized"), "n1",
			"logs unavailable: the API server did not accept the credentials"},
		{"kubelet unreachable", apierrors.NewInternalError(errors.New(`Get "https://10.0.0.7:10250/containerLogs/web/notify-1/notify?tailLines=20": dial tcp 10.0.0.7:10250: connect: connection refused`)), "n1",
			"logs unavailable: node n1 did not answer the API server (connection refused)"},
		{"a 503 without a reason", generic(http.StatusServiceUnavailable), "n1",
			"logs unavailable: node n1 did not answer the API server"},
		{"throttled", generic(http.StatusTooManyRequests), "n1", "logs unavailable: TooManyRequests"},
		{"not an API error", fmt.Errorf("get logs: %w", context.DeadlineExceeded), "n1",
			"logs unavailable: get logs: context deadline exceeded"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := logsUnavailable(c.err, c.node)
			if got != c.want {
				t.Fatalf("got  %q\nwant %q", got, c.want)
			}
			if strings.Contains(got, "unknown reason") || strings.Contains(got, "\n") {
				t.Fatalf("not one short line with a reason: %q", got)
			}
		})
	}
}
