// Command helm-stella is the Helm plugin of Stella Ops' deployment runbook:
// align, promote and safe-rollback. Cobra wiring only; all behaviour lives in
// pkg/. Run by Helm, it reads HELM_NAMESPACE, HELM_KUBECONTEXT, KUBECONFIG,
// HELM_DEBUG and HELM_DRIVER through Helm's cli.New(); run standalone it
// accepts -n, --kube-context and --kubeconfig itself.
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
