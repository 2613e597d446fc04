// Command kubectl-stella is the kubectl plugin of Stella Ops' deployment
// runbook: bookmark, verify-pods, smoke and journal. Cobra wiring only; all
// behaviour lives in pkg/.
package main

import (
	"context"
	"os"

	_ "k8s.io/client-go/plugin/pkg/client/auth" // exec, oidc, … auth plugins

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/interrupt"
)

func main() {
	ctx, abort, stop := interrupt.Notify(context.Background())
	root := newRoot(os.Stdout, os.Stderr)
	root.abort = abort
	err := root.cmd.ExecuteContext(ctx)
	stop()
	os.Exit(int(exit.Report(os.Stderr, err, !root.ran)))
}
