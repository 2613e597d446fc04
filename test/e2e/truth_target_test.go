//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/test/e2e/harness"
)

// After a bad manual upgrade, bare safe-rollback goes to the newest
// healthy revision before the current one (as helm rollback), not to the
// newest-created bookmark (made of an older revision), and says which rule
// chose it, in --plan and in the result.
func TestTruthDefaultTargetIgnoresNewerBookmark(t *testing.T) {
	t.Parallel() // own namespace, releases and files: runs beside the other parallel tests (docs/testing.md)
	h := harness.New(t)
	rbHelm(h, true)                       // 1
	rbHelm(h, true, "--set-json", rbNote) // 2: good
	h.Must(h.Run(h.Plugin("kubectl-stella"), "bookmark", rbRel, "-n", h.Namespace, "--revision", "1", "--name", "old-r1"))
	rbHelm(h, false, "--set-json", rbCrash) // 3: bad, by hand
	rule := "default: the newest deployed or superseded revision before 3"
	plan := rbRun(h, "--plan")
	if plan.Code != 0 || !strings.Contains(plan.Stdout, "Target:   revision 2\n") || !strings.Contains(plan.Stdout, "Chosen by: "+rule) {
		h.Fatalf("--plan: exit %d\n%s\n%s", plan.Code, plan.Stdout, plan.Stderr)
	}
	r := rbRun(h, "--timeout", "2m")
	if r.Code != 0 || !strings.Contains(r.Stdout, "Chosen by: "+rule) {
		h.Fatalf("safe-rollback: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	es := rbEntries(h)
	if len(es) != 1 {
		h.Fatalf("journal entries = %d", len(es))
	}
	rbCheckEntry(h, es[0], journal.Succeeded, 3, 2, "")
	vals := h.Must(h.Run(h.Helm3(), "get", "values", rbRel, "-n", h.Namespace, "-o", "json")).Stdout
	if strings.Contains(vals, "crashloop") || !strings.Contains(vals, "v2") {
		h.Errorf("rolled back to other values than revision 2's: %s", vals)
	}
}
