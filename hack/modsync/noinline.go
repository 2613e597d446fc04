package main

import (
	"fmt"
	"os"
	"strings"
)

const noinlineFile = "test/cluster/noinline.txt"

// rule is one line of noinline.txt: a package pattern, or a kept package (!path).
type rule struct {
	line    int
	pattern string
	keep    bool
}

func readNoinline() ([]rule, error) {
	b, err := os.ReadFile(noinlineFile)
	if err != nil {
		return nil, err
	}
	var rs []rule
	for i, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		r := rule{line: i + 1, pattern: strings.TrimPrefix(l, "!"), keep: strings.HasPrefix(l, "!")}
		if r.keep && strings.Contains(r.pattern, "...") {
			return nil, fmt.Errorf("%s:%d: a kept package is one import path, not a pattern", noinlineFile, r.line)
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// matches reports whether import path p matches a go package pattern whose only
// wildcard is a trailing "/..." (as the go command matches -gcflags patterns).
func matches(pattern, p string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return p == base || strings.HasPrefix(p, base+"/")
	}
	return p == pattern
}

// noinline reports whether build.sh compiles p without inlining: the last matching line wins.
func noinline(rs []rule, p string) (rule, bool) {
	var hit rule
	found := false
	for _, r := range rs {
		if matches(r.pattern, p) {
			hit, found = r, !r.keep
		}
	}
	return hit, found
}

// checkNoinline fails when noinline.txt would compile a package of the product's
// build without inlining (the product and the tools would then each compile it),
// and says how many of the tools' packages it covers.
func checkNoinline(product, tools []pkg) error {
	rs, err := readNoinline()
	if err != nil {
		return err
	}
	for _, r := range rs {
		if strings.Count(r.pattern, "...") > 1 || (strings.Contains(r.pattern, "...") && !strings.HasSuffix(r.pattern, "/...")) {
			return fmt.Errorf("%s:%d: only a trailing /... wildcard is supported", noinlineFile, r.line)
		}
	}
	var bad []string
	seen := map[string]bool{}
	for _, p := range product {
		if r, ok := noinline(rs, p.path); ok && !seen[p.path] {
			seen[p.path] = true
			bad = append(bad, fmt.Sprintf("%s:%d: %s matches %s, which the product compiles", noinlineFile, r.line, r.pattern, p.path))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s", strings.Join(bad, "\n"))
	}
	shared := map[string]bool{}
	for _, p := range product {
		shared[p.path] = true
	}
	var only, covered int
	for _, p := range tools {
		if !shared[p.path] && !seen[p.path] {
			seen[p.path] = true
			only++
			if _, ok := noinline(rs, p.path); ok {
				covered++
			}
		}
	}
	fmt.Printf("modsync: %s covers %d of the %d packages only the tools compile\n", noinlineFile, covered, only)
	return nil
}
