package portforward

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
)

// errorLog collects the errors client-go's port-forwarder reports about a
// connection (no forward for that port, connection refused, …). Without
// it they go to klog on stderr and the caller sees only EOF; with it they
// are the session's Err, which a check reports as its reason.
type errorLog struct {
	mu   sync.Mutex
	errs []string
}

// withErrorLog returns ctx carrying a logger that records into l: the
// port-forwarder takes its logger from the context it is created with.
func withErrorLog(ctx context.Context, l *errorLog) context.Context {
	return klog.NewContext(ctx, logr.New(&sink{log: l}))
}

func (l *errorLog) add(err error, msg string) {
	if err == nil {
		return
	}
	text := strings.TrimSpace(err.Error())
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.errs {
		if e == text {
			return
		}
	}
	_ = msg // client-go's own wording ("An error occurred forwarding") adds nothing
	l.errs = append(l.errs, text)
}

// err is every distinct error recorded, in order, or nil. A bare EOF (the
// stream closing after the real error, or not, depending on timing) is
// kept only when nothing says more.
func (l *errorLog) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var kept []string
	for _, e := range l.errs {
		if e != "EOF" {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 && len(l.errs) > 0 {
		kept = l.errs
	}
	if len(kept) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(kept, "; "))
}

// sink is a logr.LogSink that keeps errors and drops everything else.
type sink struct{ log *errorLog }

func (s *sink) Init(logr.RuntimeInfo)                 {}
func (s *sink) Enabled(int) bool                      { return false }
func (s *sink) Info(int, string, ...any)              {}
func (s *sink) Error(err error, msg string, _ ...any) { s.log.add(err, msg) }
func (s *sink) WithValues(...any) logr.LogSink        { return s }
func (s *sink) WithName(string) logr.LogSink          { return s }
