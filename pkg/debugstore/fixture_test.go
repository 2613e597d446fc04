package debugstore

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// elfFixture is one real debug file built by the test.
type elfFixture struct {
	path    string // the .debug file
	buildID string // as readelf -n reports it
}

var readelfID = regexp.MustCompile(`Build ID: ([0-9a-f]+)`)

// buildC compiles a small C program with a build ID and splits its debug
// info with objcopy --only-keep-debug (gcc and binutils).
func buildC(t *testing.T, dir, name, body string) elfFixture {
	t.Helper()
	src := filepath.Join(dir, name+".c")
	if err := os.WriteFile(src, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, name)
	run(t, "gcc", "-g", "-Wl,--build-id=sha1", "-o", bin, src)
	dbg := bin + ".debug"
	run(t, "objcopy", "--only-keep-debug", bin, dbg)
	return elfFixture{path: dbg, buildID: idOf(t, dbg)}
}

// buildGo builds a Go binary whose GNU build-id note derives from the Go
// build ID (-ldflags=-B gobuildid).
func buildGo(t *testing.T, dir, name string) elfFixture {
	t.Helper()
	mod := filepath.Join(dir, name+"-src")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(mod, "go.mod"), "module example.com/"+name+"\n\ngo 1.22\n")
	write(t, filepath.Join(mod, "main.go"), "package main\n\nfunc main() { println(\""+name+"\") }\n")
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-ldflags=-B gobuildid", "-o", bin, ".")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false", "GOOS=linux")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return elfFixture{path: bin, buildID: idOf(t, bin)}
}

func idOf(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("readelf", "-n", path).CombinedOutput()
	if err != nil {
		t.Fatalf("readelf -n %s: %v\n%s", path, err, out)
	}
	m := readelfID.FindSubmatch(out)
	if m == nil {
		t.Fatalf("readelf found no build ID in %s:\n%s", path, out)
	}
	return string(m[1])
}

// place copies src into release/debug/.build-id under the path of id.
func place(t *testing.T, release, id, src string) string {
	t.Helper()
	rel := filepath.Join(Dir, id[:2], id[2:]+".debug")
	dst := filepath.Join(release, rel)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, dst, string(data))
	return filepath.ToSlash(rel)
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
