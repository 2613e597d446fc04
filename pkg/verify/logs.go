package verify

import (
	"bytes"
	"context"
	"errors"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"

	"github.com/stella-ops/stella-plugins/pkg/health"
)

// maxLogContainers bounds the log reads of one run.
const maxLogContainers = 10

// logs attaches the last tail lines of every container with a finding (its
// previous instance when it is restarting); a read that fails is noted in
// place of the lines, in one short line saying why.
func logs(ctx context.Context, c kubernetes.Interface, ws []Workload, tail int64) {
	done := map[string][]string{}
	for i := range ws {
		for j := range ws[i].Findings {
			f := &ws[i].Findings[j]
			if f.Container == "" || f.Reason == "DigestMismatch" {
				continue
			}
			key := ws[i].Namespace + "/" + f.Pod + "/" + f.Container
			if got, ok := done[key]; ok {
				f.Logs = got
				continue
			}
			if len(done) >= maxLogContainers {
				continue
			}
			f.Logs = readLogs(ctx, c, ws[i].Namespace, *f, tail, ws[i].nodes[f.Pod])
			done[key] = f.Logs
		}
	}
}

func readLogs(ctx context.Context, c kubernetes.Interface, ns string, f health.Finding, tail int64, node string) []string {
	opts := &corev1.PodLogOptions{Container: f.Container, TailLines: &tail, Previous: f.Restarts > 0 && !f.Exited}
	// Do, not DoRaw: it decodes the API server's Status, so the kubelet's
	// own words reach us instead of "rejected our request for an unknown reason"
	b, err := c.CoreV1().Pods(ns).GetLogs(f.Pod, opts).Do(ctx).Raw()
	if opts.Previous && (err != nil || goneLog(b)) {
		opts.Previous = false
		b, err = c.CoreV1().Pods(ns).GetLogs(f.Pod, opts).Do(ctx).Raw()
	}
	if err != nil {
		return []string{"(" + logsUnavailable(err, node) + ")"}
	}
	s := strings.TrimRight(string(b), "\n")
	if s == "" {
		return []string{"(no log lines)"}
	}
	return strings.Split(s, "\n")
}

// logsUnavailable says in one short line why a container's logs could not
// be read, from the shape of the API server's answer; node is the pod's.
func logsUnavailable(err error, node string) string {
	where := "the pod's node"
	if node != "" {
		where = "node " + node
	}
	var st apierrors.APIStatus
	if !errors.As(err, &st) {
		return "logs unavailable: " + oneLine(err.Error())
	}
	msg := oneLine(st.Status().Message)
	// client-go's own words when the server gave none: they say nothing
	generic := msg == "" || strings.HasPrefix(msg, "the server ") || strings.HasPrefix(msg, "an error on the server")
	switch {
	case apierrors.IsForbidden(err):
		return "logs unavailable: forbidden: needs get on pods/log (docs/rbac.md)"
	case apierrors.IsUnauthorized(err):
		return "logs unavailable: the API server did not accept the credentials"
	case strings.Contains(msg, "no logs found for container"), // kwok's kubelet keeps none
		apierrors.IsBadRequest(err) && generic:
		return "logs unavailable: " + where + " serves no logs"
	case apierrors.IsNotFound(err) && generic:
		return "logs unavailable: the pod is gone"
	case st.Status().Code >= 500, apierrors.IsInternalError(err), apierrors.IsServiceUnavailable(err),
		apierrors.IsTimeout(err), apierrors.IsServerTimeout(err):
		return "logs unavailable: " + where + " did not answer the API server" + lastCause(msg)
	case generic:
		return "logs unavailable: " + string(apierrors.ReasonForError(err))
	}
	return "logs unavailable: " + msg // the kubelet's words: waiting to start, no previous container, …
}

// lastCause is the innermost part of a wrapped message (" (connection
// refused)"), or "".
func lastCause(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && len(msg)-i < 60 {
		return " (" + strings.Trim(msg[i+2:], `")`) + ")"
	}
	return ""
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// goneLog is a kubelet's answer (200, as the body) for a run whose log file
// the runtime has already removed.
func goneLog(b []byte) bool {
	return bytes.HasPrefix(b, []byte("failed to try resolving symlinks in path")) ||
		bytes.HasPrefix(b, []byte("unable to retrieve container logs"))
}
