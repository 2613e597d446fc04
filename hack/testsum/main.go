// Command testsum reads `go test -json` on stdin and prints what the plain
// `go test` would: package results and lines outside any test, and the
// output of each test that failed (or never finished: a timeout or a
// crash). It ends with the slowest top-level tests of each package, so every
// CI log says where the suite's time goes. Lines that are not JSON (the go
// command's own messages) pass through. The exit code is go test's job
// (the Makefile runs with pipefail); testsum exits 0.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

type timing struct {
	pkg, test, result string
	secs              float64
}

func main() {
	top := 12
	if len(os.Args) > 1 {
		fmt.Sscan(os.Args[1], &top)
	}
	summarize(os.Stdin, os.Stdout, top)
}

func summarize(in io.Reader, out io.Writer, top int) {
	pending := map[string][]string{} // package + test → output not yet printed
	var order []string
	var times []timing
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Action == "" {
			fmt.Fprintln(out, sc.Text())
			continue
		}
		key := e.Package + " " + e.Test
		switch {
		case e.Test == "" && (e.Action == "output" || e.Action == "build-output"):
			fmt.Fprint(out, e.Output)
		case e.Test == "":
		case e.Action == "output":
			if _, ok := pending[key]; !ok {
				order = append(order, key)
			}
			pending[key] = append(pending[key], e.Output)
		case e.Action == "pass" || e.Action == "skip" || e.Action == "fail":
			if e.Action == "fail" {
				fmt.Fprint(out, strings.Join(pending[key], ""))
			}
			delete(pending, key)
			if !strings.Contains(e.Test, "/") {
				times = append(times, timing{e.Package, e.Test, e.Action, e.Elapsed})
			}
		}
	}
	for _, key := range order { // never finished: a timeout or a crash
		if lines, ok := pending[key]; ok {
			fmt.Fprint(out, strings.Join(lines, ""))
		}
	}
	slowest(out, times, top)
}

func slowest(out io.Writer, times []timing, top int) {
	sort.SliceStable(times, func(i, j int) bool {
		if times[i].pkg != times[j].pkg {
			return times[i].pkg < times[j].pkg
		}
		return times[i].secs > times[j].secs
	})
	shown := map[string]int{}
	for _, t := range times {
		if shown[t.pkg] == 0 {
			fmt.Fprintf(out, "slowest tests of %s:\n", t.pkg)
		}
		if shown[t.pkg] < top {
			fmt.Fprintf(out, "  %7.1fs %-4s %s\n", t.secs, t.result, t.test)
		}
		shown[t.pkg]++
	}
}
