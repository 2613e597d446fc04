// Command modsync checks that the product's module and the tools module that
// builds the test cluster's programs (test/cluster/tools/cluster) select the
// same version of every module whose packages both compile. Then each such
// package is compiled once per machine, for the product and for the tools
// alike (same build settings, same sources: the build cache shares them),
// which is most of a cold `make test`'s build time (docs/testing.md).
//
// It also checks that the tools module builds the release of each program that
// test/cluster/versions.env names (the bin directories are named after them).
//
//	go run ./hack/modsync        # list mismatches; exit 1 when there are any
//	go run ./hack/modsync -fix   # raise the lower side to the higher version, tidy both, repeat
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/mod/semver"
)

const toolsDir = "test/cluster/tools/cluster"

// the tags the tools are built with (test/cluster/build.sh)
const toolsTags = "no_btrfs no_devmapper no_zfs no_aufs"

// mismatch is one module both sides compile at different versions.
type mismatch struct{ path, product, tools string }

func main() {
	fix := flag.Bool("fix", false, "raise the lower side to the higher version, go mod tidy both, until they agree")
	flag.Parse()
	if err := run(*fix); err != nil {
		fmt.Fprintln(os.Stderr, "modsync:", err)
		os.Exit(1)
	}
}

func run(fix bool) error {
	if err := checkReleases(); err != nil {
		return err
	}
	for round := 1; ; round++ {
		ms, err := compare()
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			fmt.Println("modsync: the product and", toolsDir, "agree on every module both compile")
			return nil
		}
		for _, m := range ms {
			fmt.Printf("%s: product %s, tools %s\n", m.path, m.product, m.tools)
		}
		if !fix {
			return fmt.Errorf("%d module(s) differ: run go run ./hack/modsync -fix", len(ms))
		}
		if round == 6 {
			return fmt.Errorf("still %d module(s) differ after %d rounds", len(ms), round-1)
		}
		if err := raise(ms); err != nil {
			return err
		}
	}
}

// compare lists the modules whose packages both builds compile, at different
// versions, and checks noinline.txt against the packages the product compiles.
func compare() ([]mismatch, error) {
	product, err := list(".", "", true, "./...")
	if err != nil {
		return nil, err
	}
	e2e, err := list(".", "e2e", true, "./test/e2e/...")
	if err != nil {
		return nil, err
	}
	product = append(product, e2e...)
	pkgs, err := toolPackages()
	if err != nil {
		return nil, err
	}
	tools, err := list(toolsDir, toolsTags, false, pkgs...)
	if err != nil {
		return nil, err
	}
	if err := checkNoinline(product, tools); err != nil {
		return nil, err
	}
	pv, tv := versions(product), versions(tools)
	var ms []mismatch
	for p, v := range pv {
		if t, ok := tv[p]; ok && t != v {
			ms = append(ms, mismatch{p, v, t})
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].path < ms[j].path })
	return ms, nil
}

// pkg is one package of a build: its import path, and its module and the
// version the build selects (a replacement's, if any); no module for std.
type pkg struct{ path, module, version string }

// list gives the packages of patterns' dependencies (and their tests' when tests:
// a package compiled again for a test binary, "p [q.test]", is listed as p).
func list(dir, tags string, tests bool, patterns ...string) ([]pkg, error) {
	args := []string{"list", "-deps", "-tags", tags,
		"-f", "{{with .Module}}{{.Path}} {{with .Replace}}{{.Version}}{{else}}{{.Version}}{{end}}{{else}}- -{{end}} {{.ImportPath}}"}
	if tests {
		args = append(args, "-test")
	}
	out, err := goCmd(dir, append(args, patterns...)...)
	if err != nil {
		return nil, err
	}
	var ps []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), " ", 3)
		if len(f) != 3 {
			return nil, fmt.Errorf("go list (in %s): unexpected line %q", dir, sc.Text())
		}
		p := pkg{path: strings.SplitN(f[2], " [", 2)[0]}
		if f[0] != "-" {
			p.module, p.version = f[0], f[1]
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// versions maps each module of ps to its selected version.
func versions(ps []pkg) map[string]string {
	m := map[string]string{}
	for _, p := range ps {
		if p.module != "" {
			m[p.module] = p.version
		}
	}
	return m
}

var importRe = regexp.MustCompile(`(?m)^\s*_ "([^"]+)"`)

// toolPackages reads the programs the tools module pins (its tools.go).
func toolPackages() ([]string, error) {
	b, err := os.ReadFile(toolsDir + "/tools.go")
	if err != nil {
		return nil, err
	}
	var pkgs []string
	for _, m := range importRe.FindAllStringSubmatch(string(b), -1) {
		pkgs = append(pkgs, m[1])
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("%s/tools.go: no programs pinned", toolsDir)
	}
	return pkgs, nil
}

// releases: the module of each program whose release versions.env names
var releases = map[string]string{
	"KUBE_VERSION":        "k8s.io/kubernetes",
	"KWOK_VERSION":        "sigs.k8s.io/kwok",
	"HELM3_VERSION":       "helm.sh/helm/v3",
	"HELM4_VERSION":       "helm.sh/helm/v4",
	"REGISTRY_VERSION":    "github.com/distribution/distribution/v3",
	"CRANE_VERSION":       "github.com/google/go-containerregistry",
	"CONTAINERD_VERSION":  "github.com/containerd/containerd/v2",
	"CNI_PLUGINS_VERSION": "github.com/containernetworking/plugins",
}

// checkReleases fails when the tools module selects another version of a
// program's module than versions.env names (a go get can move one silently).
func checkReleases() error {
	b, err := os.ReadFile("test/cluster/versions.env")
	if err != nil {
		return err
	}
	var bad []string
	for _, line := range strings.Split(string(b), "\n") {
		k, want, ok := strings.Cut(strings.TrimSpace(line), "=")
		mod := releases[k]
		if !ok || mod == "" {
			continue
		}
		out, err := goCmd(toolsDir, "list", "-m", "-f", "{{.Version}}", mod)
		if err != nil {
			return err
		}
		if got := strings.TrimSpace(string(out)); got != want {
			bad = append(bad, fmt.Sprintf("%s=%s but %s selects %s %s", k, want, toolsDir, mod, got))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("test/cluster/versions.env: %s", strings.Join(bad, "; "))
	}
	return nil
}

// raise moves each mismatch's lower side up to the higher version, then tidies both modules.
func raise(ms []mismatch) error {
	var up = map[string][]string{}
	for _, m := range ms {
		if semver.Compare(m.product, m.tools) < 0 {
			up["."] = append(up["."], m.path+"@"+m.tools)
		} else {
			up[toolsDir] = append(up[toolsDir], m.path+"@"+m.product)
		}
	}
	for _, dir := range []string{".", toolsDir} {
		if len(up[dir]) > 0 {
			if _, err := goCmd(dir, append([]string{"get"}, up[dir]...)...); err != nil {
				return err
			}
		}
		if _, err := goCmd(dir, "mod", "tidy"); err != nil {
			return err
		}
	}
	return nil
}

func goCmd(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s (in %s): %w: %s", strings.Join(args[:1], " "), dir, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
