// Command helm-stella is the Helm plugin of Stella Ops' deployment runbook:
// align, promote and safe-rollback. Cobra wiring only; all behaviour lives in
// pkg/. Run by Helm, it reads HELM_NAMESPACE, HELM_KUBECONTEXT, KUBECONFIG,
// HELM_DEBUG and HELM_DRIVER through Helm's cli.New(); run standalone it
// accepts -n, --kube-context and --kubeconfig itself.
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
	root.cmd.SetArgs(completeArgs(os.Args[0], os.Args[1:]))
	err := root.cmd.ExecuteContext(ctx)
	stop()
	os.Exit(int(exit.Report(os.Stderr, err, !root.ran)))
}
