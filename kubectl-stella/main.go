// Command kubectl-stella is the kubectl plugin of Stella Ops' deployment
// runbook: bookmark, verify-pods, smoke and journal. Cobra wiring only; all
// behaviour lives in pkg/.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	_ "k8s.io/client-go/plugin/pkg/client/auth" // exec, oidc, … auth plugins

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	root := newRoot(os.Stdout, os.Stderr)
	err := root.cmd.ExecuteContext(ctx)
	stop()
	os.Exit(int(exit.Report(os.Stderr, err, !root.ran)))
}
