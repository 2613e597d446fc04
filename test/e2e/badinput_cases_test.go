//go:build e2e

package e2e

import (
	"os"
	"strings"
)

// biCases is the bad-input corpus. Exit codes follow README's table and each
// command's doc: 4 invalid input; 1 when the API is unreachable (operational,
// README); 1 for an injected write failure (disk full: operational, nothing
// written); verify-pods of an unknown release is 2 "no workloads found"
// (docs/verify-pods.md), not invalid input; safe-rollback of an unknown
// release, bookmark or revision is 5, "rollback target unusable" (README).
func biCases(ns, unreachable string) []biCase {
	const H, K = "helm-stella", "kubectl-stella"
	offline := []string{"KUBECONFIG=" + unreachable}
	dev := "deploy/helm/stellaops/values-dev.yaml"
	stage := "deploy/helm/stellaops/values-stage.yaml"
	edge := []string{"align", "--channel", "edge"}
	al := func(a ...string) []string { return append(append([]string{}, edge...), a...) }
	pr := func(a ...string) []string {
		return append([]string{"promote", "stellaops", "deploy/helm/stellaops", "-f", dev, "--channel", "edge"}, a...)
	}
	files := func(a ...string) []string {
		return append([]string{"promote", "--files-only", "--channel", "edge", "--release", "deploy/releases/2025.11.0-edge.yaml"}, a...)
	}
	// edgeRelease writes the edge release files() promotes: stable's pins
	// under an edge version (release.channel must name the channel).
	edgeRelease := func(c *biCtx) {
		b, err := os.ReadFile(c.path("deploy/releases/2025.09.2-stable.yaml"))
		if err != nil {
			c.t.Fatal(err)
		}
		m := strings.Replace(strings.Replace(string(b), "channel: stable", "channel: edge", 1), `version: "2025.09.2"`, `version: "2025.11.0"`, 1)
		c.write("deploy/releases/2025.11.0-edge.yaml", []byte(m), 0o644)
	}
	rb := func(a ...string) []string { return append([]string{"safe-rollback", "stellaops"}, a...) }
	k := func(a ...string) []string { return append(a, "-n", ns) }
	garbage := func(rel string) func(*biCtx) { return func(c *biCtx) { c.write(rel, biGarbage(4096), 0o644) } }
	empty := func(rel string) func(*biCtx) { return func(c *biCtx) { c.write(rel, nil, 0o644) } }
	dir := func(rel string) func(*biCtx) {
		return func(c *biCtx) {
			if err := os.MkdirAll(c.path(rel), 0o755); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	big := func(c *biCtx) { c.big("big.yaml") }
	return []biCase{
		// align: files
		{name: "align/unknown channel", bin: H, args: []string{"align", "--channel", "nope"}, code: 4, want: "flag --channel"},
		{name: "align/malformed values", bin: H, args: al("-f", "values-malformed.yaml"), code: 4, want: "values-malformed.yaml:"},
		{name: "align/duplicate key values", bin: H, args: al("-f", "values-dup.yaml"), code: 4, want: `values-dup.yaml:4: duplicate key "authority"`},
		{name: "align/short digest values", bin: H, args: al("-f", "values-short-digest.yaml"), code: 4, want: "values-short-digest.yaml:3:"},
		{name: "align/invalid digest values", bin: H, args: al("-f", "values-bad-digest.yaml"), code: 4, want: "values-bad-digest.yaml:3:"},
		{name: "align/missing values", bin: H, args: al("-f", "missing.yaml"), code: 4, want: "missing.yaml"},
		{name: "align/directory values", bin: H, args: al("-f", "deploy/helm"), code: 4, want: "deploy/helm"},
		{name: "align/garbage values", bin: H, setup: garbage("garbage.yaml"), args: al("-f", "garbage.yaml"), code: 4, want: "garbage.yaml"},
		{name: "align/50MB values", bin: H, setup: big, args: al("-f", "big.yaml"), code: 4, want: "big.yaml"},
		{name: "align/empty release", bin: H, setup: empty("empty.yaml"), args: al("--release", "empty.yaml"), code: 4, want: "empty.yaml"},
		{name: "align/short digest release", bin: H, args: al("--release", "release-short-digest.yaml"), code: 4, want: "release-short-digest.yaml:9:"},
		{name: "align/invalid digest release", bin: H, args: al("--release", "release-bad-digest.yaml"), code: 4, want: "release-bad-digest.yaml:9:"},
		{name: "align/wrong type release", bin: H, args: al("--release", "release-wrong-type.yaml"), code: 4, want: "release-wrong-type.yaml:4:"},
		{name: "align/duplicate key release", bin: H, args: al("--release", "release-dup.yaml"), code: 4, want: "release-dup.yaml:3:"},
		{name: "align/garbage release", bin: H, setup: garbage("garbage.yaml"), args: al("--release", "garbage.yaml"), code: 4, want: "garbage.yaml"},
		{name: "align/directory release", bin: H, args: al("--release", "deploy/releases"), code: 4, want: "deploy/releases"},
		{name: "align/missing channels file", bin: H, args: al("--config", "nope.yaml"), code: 4, want: "nope.yaml"},
		{name: "align/empty channels file", bin: H, setup: empty("empty.yaml"), args: al("--config", "empty.yaml"), code: 4, want: "empty.yaml"},
		{name: "align/directory channels file", bin: H, args: al("--config", "deploy"), code: 4, want: "deploy"},
		{name: "align/malformed channels file", bin: H, args: al("--config", "channels-malformed.yaml"), code: 4, want: "channels-malformed.yaml:3:"},
		{name: "align/wrong type channels file", bin: H, args: al("--config", "channels-wrong-type.yaml"), code: 4, want: "channels-wrong-type.yaml:2:"},
		{name: "align/duplicate channel", bin: H, args: al("--config", "channels-dup.yaml"), code: 4, want: `channels-dup.yaml:4: duplicate key "edge"`},
		{name: "align/malformed compose", bin: H, args: al("--target", "compose-malformed.yaml"), code: 4, want: "compose-malformed.yaml:3:"},
		{name: "align/missing env file", bin: H, args: al("--env-file", "nope.env"), code: 4, want: "nope.env"},
		{name: "align/bad output", bin: H, args: al("-o", "xml"), code: 4, want: "flag -o/--output"},
		{name: "align/bad match", bin: H, args: al("--match", "bogus"), code: 4, want: "flag --match"},
		{name: "align/bad registry map", bin: H, args: al("--registry-map", "nope"), code: 4, want: "flag --registry-map"},
		{name: "align/dry-run without fix", bin: H, args: al("--dry-run"), code: 4, want: "flag --dry-run"},
		{name: "align/unknown flag", bin: H, args: al("--frobnicate"), code: 4, want: "--frobnicate"},
		// align --fix: writes only inside the tree, all or nothing
		{name: "align/fix symlink escapes tree", bin: H, setup: func(c *biCtx) { c.misalign(dev); c.escape(dev) }, args: al("--fix"), code: 4, want: "outside the deploy tree"},
		{name: "align/fix channel path escapes tree", bin: H, setup: func(c *biCtx) {
			c.write("outside/values.yaml", c.read(dev), 0o644)
			c.misalign("outside/values.yaml")
			ch := c.read("deploy/channels.yaml")
			c.write("deploy/channels.yaml", biReplace(c, ch, "helm/stellaops/values-dev.yaml", "../outside/values.yaml"), 0o644)
		}, args: al("--fix"), code: 4, want: "outside the deploy tree"},
		{name: "align/fix read-only file", bin: H, setup: func(c *biCtx) { c.misalign(dev); biChmod(c, dev, 0o444) }, args: al("--fix"), code: 4, want: "read-only"},
		{name: "align/fix read-only second file", bin: H, setup: func(c *biCtx) {
			c.misalign(stage)
			c.misalign("deploy/helm/stellaops/values-prod.yaml")
			biChmod(c, "deploy/helm/stellaops/values-prod.yaml", 0o444)
		}, args: []string{"align", "--channel", "stable", "--fix"}, code: 4, want: "values-prod.yaml: the file is read-only"},
		{name: "align/fix disk full", bin: H, shell: "ulimit -f 1; exec", setup: func(c *biCtx) { c.misalign(stage); c.misalign("deploy/helm/stellaops/values-prod.yaml") },
			args: []string{"align", "--channel", "stable", "--fix"}, code: 1, want: "nothing written"},
		// promote --files-only: no cluster, writes only inside the tree
		{name: "promote-files/no release", bin: H, args: []string{"promote", "--files-only", "--channel", "edge"}, code: 4, want: "flag --files-only"},
		{name: "promote-files/unknown channel", bin: H, args: []string{"promote", "--files-only", "--channel", "nope", "--release", "deploy/releases/2025.09.2-stable.yaml"}, code: 4, want: "flag --channel"},
		{name: "promote-files/missing release", bin: H, args: []string{"promote", "--files-only", "--channel", "edge", "--release", "deploy/releases/nope.yaml"}, code: 4, want: "nope.yaml"},
		{name: "promote-files/invalid digest release", bin: H, args: []string{"promote", "--files-only", "--channel", "edge", "--release", "release-bad-digest.yaml"}, code: 4, want: "release-bad-digest.yaml:9:"},
		{name: "promote-files/read-only values", bin: H, setup: func(c *biCtx) { edgeRelease(c); biChmod(c, dev, 0o444) }, args: files(), code: 4, want: "read-only"},
		{name: "promote-files/symlink escapes tree", bin: H, setup: func(c *biCtx) { edgeRelease(c); c.escape(dev) }, args: files(), code: 4, want: "outside the deploy tree"},
		{name: "promote-files/malformed channels file", bin: H, setup: edgeRelease, args: files("--config", "channels-malformed.yaml"), code: 4, want: "channels-malformed.yaml:3:"},
		{name: "promote-files/disk full", bin: H, setup: edgeRelease, shell: "ulimit -f 1; exec", args: files(), code: 1, want: "nothing written"},
		// promote against the cluster
		{name: "promote/malformed values", bin: H, args: pr("-f", "values-malformed.yaml"), code: 4, want: "values-malformed.yaml:"},
		{name: "promote/missing values", bin: H, args: pr("-f", "nope.yaml"), code: 4, want: "nope.yaml"},
		{name: "promote/50MB values", bin: H, setup: big, args: pr("-f", "big.yaml"), code: 4, want: "big.yaml"},
		{name: "promote/garbage values", bin: H, setup: garbage("garbage.yaml"), args: pr("-f", "garbage.yaml"), code: 4, want: "garbage.yaml"},
		{name: "promote/missing chart", bin: H, args: []string{"promote", "stellaops", "deploy/helm/nope", "-f", dev, "--channel", "edge"}, code: 4, want: "deploy/helm/nope"},
		{name: "promote/unknown channel", bin: H, args: []string{"promote", "stellaops", "deploy/helm/stellaops", "-f", dev, "--channel", "nope"}, code: 4, want: "flag --channel"},
		{name: "promote/zero timeout", bin: H, args: pr("--timeout", "0s"), code: 4, want: "flag --timeout"},
		{name: "promote/negative timeout", bin: H, args: pr("--timeout", "-1m"), code: 4, want: "flag --timeout"},
		{name: "promote/negative lock timeout", bin: H, args: pr("--lock-timeout", "-5s"), code: 4, want: "flag --lock-timeout"},
		{name: "promote/bad duration", bin: H, args: pr("--smoke-timeout", "soon"), code: 4, want: "--smoke-timeout"},
		{name: "promote/missing smoke suite", bin: H, args: pr("--smoke-suite", "nope.yaml"), code: 4, want: "nope.yaml"},
		{name: "promote/malformed smoke suite", bin: H, args: pr("--smoke-suite", "smoke-malformed.yaml"), code: 4, want: "smoke-malformed.yaml:3:"},
		{name: "promote/bad require-stage", bin: H, args: pr("--require-stage", "justaname"), code: 4, want: "flag --require-stage"},
		{name: "promote/bad output", bin: H, args: pr("-o", "xml"), code: 4, want: "flag -o/--output"},
		{name: "promote/no args", bin: H, args: []string{"promote"}, code: 4, want: "RELEASE"},
		{name: "promote/unreachable API", bin: H, env: offline, args: pr(), progress: true, stdoutOK: true, code: 1, want: "127.0.0.1"},
		// safe-rollback
		{name: "rollback/unknown release", bin: H, args: []string{"safe-rollback", "nope"}, code: 5, want: `"nope"`},
		{name: "rollback/unknown bookmark", bin: H, args: rb("--to-bookmark", "nope"), code: 5, want: `bookmark "nope"`},
		{name: "rollback/unknown revision", bin: H, args: rb("--revision", "99"), code: 5, want: "revision 99"},
		{name: "rollback/negative revision", bin: H, args: rb("--revision", "-2"), code: 4, want: "flag --revision"},
		{name: "rollback/fractional lock timeout", bin: H, args: rb("--lock-timeout", "1500ms"), code: 4, want: "flag --lock-timeout"},
		{name: "rollback/bookmark and revision", bin: H, args: rb("--revision", "1", "--to-bookmark", "b"), code: 4, want: "--to-bookmark"},
		{name: "rollback/zero timeout", bin: H, args: rb("--timeout", "0s"), code: 4, want: "flag --timeout"},
		{name: "rollback/negative timeout", bin: H, args: rb("--timeout", "-10s"), code: 4, want: "flag --timeout"},
		{name: "rollback/negative stale-after", bin: H, args: rb("--recover", "--stale-after", "-1m"), code: 4, want: "flag --stale-after"},
		{name: "rollback/missing smoke suite", bin: H, args: rb("--smoke", "nope.yaml"), code: 4, want: "nope.yaml"},
		{name: "rollback/garbage smoke suite", bin: H, setup: garbage("garbage.yaml"), args: rb("--smoke", "garbage.yaml"), code: 4, want: "garbage.yaml"},
		{name: "rollback/bad output", bin: H, args: rb("-o", "xml"), code: 4, want: "flag -o/--output"},
		{name: "rollback/no release", bin: H, args: []string{"safe-rollback"}, code: 4, want: "RELEASE"},
		{name: "rollback/unreachable API", bin: H, env: offline, args: rb(), code: 1, want: "127.0.0.1"},
		// bookmark
		{name: "bookmark/unknown release", bin: K, args: k("bookmark", "nope"), code: 4, want: `release "nope"`},
		{name: "bookmark/unknown revision", bin: K, args: k("bookmark", "stellaops", "--revision", "99"), code: 4, want: "revision 99"},
		{name: "bookmark/negative revision", bin: K, args: k("bookmark", "stellaops", "--revision", "-1"), code: 4, want: "flag --revision"},
		{name: "bookmark/show unknown", bin: K, args: k("bookmark", "show", "nope"), code: 4, want: `bookmark "nope"`},
		{name: "bookmark/delete unknown", bin: K, args: k("bookmark", "delete", "nope"), code: 4, want: `bookmark "nope"`},
		{name: "bookmark/negative keep", bin: K, args: k("bookmark", "stellaops", "--keep", "-1"), code: 4, want: "flag --keep"},
		{name: "bookmark/bad name", bin: K, args: k("bookmark", "stellaops", "--name", "Bad_Name"), code: 4, want: "flag --name"},
		{name: "bookmark/output-file is a directory", bin: K, setup: dir("outdir"), args: k("bookmark", "stellaops", "--output-file", "outdir"), code: 4, want: "outdir"},
		{name: "bookmark/list bad output", bin: K, args: k("bookmark", "list", "-o", "xml"), code: 4, want: "flag -o/--output"},
		{name: "bookmark/unreachable API", bin: K, env: offline, args: k("bookmark", "stellaops"), code: 1, want: "127.0.0.1"},
		// verify-pods
		{name: "verify/bad selector", bin: K, args: k("verify-pods", "-l", "a=(b"), code: 4, want: "selector"},
		{name: "verify/zero timeout", bin: K, args: k("verify-pods", "stellaops", "--wait", "--timeout", "0s"), code: 4, want: "flag --timeout"},
		{name: "verify/negative timeout", bin: K, args: k("verify-pods", "stellaops", "--wait", "--timeout", "-1s"), code: 4, want: "flag --timeout"},
		{name: "verify/negative stable-for", bin: K, args: k("verify-pods", "stellaops", "--stable-for", "-30s"), code: 4, want: "flag --stable-for"},
		{name: "verify/negative tail", bin: K, args: k("verify-pods", "stellaops", "--logs", "--tail", "-1"), code: 4, want: "flag --tail"},
		{name: "verify/missing manifest", bin: K, args: k("verify-pods", "stellaops", "--release-manifest", "nope.yaml"), code: 4, want: "nope.yaml"},
		{name: "verify/invalid digest manifest", bin: K, args: k("verify-pods", "stellaops", "--release-manifest", "release-bad-digest.yaml"), code: 4, want: "release-bad-digest.yaml:9:"},
		{name: "verify/unknown channel", bin: K, args: k("verify-pods", "stellaops", "--channel", "nope"), code: 4, want: "flag --channel"},
		{name: "verify/bad output", bin: K, args: k("verify-pods", "stellaops", "-o", "xml"), code: 4, want: "flag -o/--output"},
		{name: "verify/unknown release", bin: K, args: k("verify-pods", "nope"), code: 2, want: "nope", stdoutOK: true},
		{name: "verify/unreachable API", bin: K, env: offline, args: k("verify-pods", "stellaops"), code: 1, want: "127.0.0.1"},
		// smoke
		{name: "smoke/malformed suite", bin: K, args: k("smoke", "-f", "smoke-malformed.yaml"), code: 4, want: "smoke-malformed.yaml:3:"},
		{name: "smoke/unknown key", bin: K, args: k("smoke", "-f", "smoke-unknown-key.yaml"), code: 4, want: "smoke-unknown-key.yaml:5:"},
		{name: "smoke/duplicate check", bin: K, args: k("smoke", "-f", "smoke-dup-check.yaml"), code: 4, want: "smoke-dup-check.yaml:5:"},
		{name: "smoke/wrong type", bin: K, args: k("smoke", "-f", "smoke-wrong-type.yaml"), code: 4, want: "smoke-wrong-type.yaml:2:"},
		{name: "smoke/missing suite", bin: K, args: k("smoke", "-f", "nope.yaml"), code: 4, want: "nope.yaml"},
		{name: "smoke/empty suite", bin: K, setup: empty("empty.yaml"), args: k("smoke", "-f", "empty.yaml"), code: 4, want: "empty.yaml"},
		{name: "smoke/garbage suite", bin: K, setup: garbage("garbage.yaml"), args: k("smoke", "-f", "garbage.yaml"), code: 4, want: "garbage.yaml"},
		{name: "smoke/directory suite", bin: K, args: k("smoke", "-f", "deploy"), code: 4, want: "deploy"},
		{name: "smoke/zero parallel", bin: K, args: k("smoke", "-f", "deploy/smoke.yaml", "--parallel", "0"), code: 4, want: "flag --parallel"},
		{name: "smoke/zero timeout", bin: K, args: k("smoke", "-f", "deploy/smoke.yaml", "--timeout", "0s"), code: 4, want: "flag --timeout"},
		{name: "smoke/negative timeout", bin: K, args: k("smoke", "-f", "deploy/smoke.yaml", "--timeout", "-1m"), code: 4, want: "flag --timeout"},
		{name: "smoke/bad base-url", bin: K, args: k("smoke", "-f", "deploy/smoke.yaml", "--base-url", "noequals"), code: 4, want: "flag --base-url"},
		{name: "smoke/unknown channel", bin: K, args: k("smoke", "--channel", "nope"), code: 4, want: "flag --channel"},
		{name: "smoke/unreachable API", bin: K, env: offline, args: k("smoke", "-f", "deploy/smoke.yaml", "--channel", "edge"), code: 1, want: "127.0.0.1"},
		// journal
		{name: "journal/bad since", bin: K, args: k("journal", "--since", "yesterday"), code: 4, want: "flag --since"},
		{name: "journal/negative since", bin: K, args: k("journal", "--since", "-5d"), code: 4, want: "flag --since"},
		{name: "journal/bad format", bin: K, args: k("journal", "--format", "html"), code: 4, want: "flag --format"},
		{name: "journal/bad output", bin: K, args: k("journal", "-o", "xml"), code: 4, want: "flag -o/--output"},
		{name: "journal/two releases", bin: K, args: k("journal", "a", "b"), code: 4, want: "argument"},
		{name: "journal/unreachable API", bin: K, env: offline, args: k("journal", "stellaops"), code: 1, want: "127.0.0.1"},
	}
}

func biReplace(c *biCtx, b []byte, old, new string) []byte {
	c.t.Helper()
	s := string(b)
	if !strings.Contains(s, old) {
		c.t.Fatalf("%q not found", old)
	}
	return []byte(strings.Replace(s, old, new, 1))
}

func biChmod(c *biCtx, rel string, mode os.FileMode) {
	c.t.Helper()
	if err := os.Chmod(c.path(rel), mode); err != nil {
		c.t.Fatal(err)
	}
}
