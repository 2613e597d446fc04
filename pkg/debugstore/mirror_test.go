package debugstore

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/kitdir"
)

const cProgram = "#include <stdio.h>\nint main(void) { puts(\"stella\"); return 0; }\n"

// release builds a release dir with a C debug file and a Go binary.
func release(t *testing.T) (string, elfFixture, elfFixture) {
	t.Helper()
	dir, work := t.TempDir(), t.TempDir()
	c := buildC(t, work, "hello", cProgram)
	g := buildGo(t, work, "gohello")
	place(t, dir, c.buildID, c.path)
	place(t, dir, g.buildID, g.path)
	return dir, c, g
}

func mirror(t *testing.T, rel, kit string) (*Result, error) {
	t.Helper()
	m := NewMirror()
	m.ReleaseDir, m.KitDir = rel, kit
	return m.Run(context.Background())
}

func TestMirrorRealELF(t *testing.T) {
	rel, c, g := release(t)
	kit := filepath.Join(t.TempDir(), "offline-kit")
	res, err := mirror(t, rel, kit)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Written || len(res.Copied) != 2 || len(res.Unchanged) != 0 {
		t.Fatalf("first run: %+v", res)
	}
	data, err := os.ReadFile(filepath.Join(kit, StorePath))
	if err != nil {
		t.Fatal(err)
	}
	var s Store
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	want := []string{c.buildID, g.buildID}
	sort.Slice(want, func(i, j int) bool {
		return want[i][:2]+"/"+want[i][2:] < want[j][:2]+"/"+want[j][2:]
	})
	if s.SchemaVersion != 1 || s.Kind != Kind || len(s.Files) != 2 {
		t.Fatalf("store: %s", data)
	}
	for i, f := range s.Files {
		if f.BuildID != want[i] || !f.BuildIDNote || f.Machine != "EM_X86_64" || f.Class != "ELFCLASS64" {
			t.Errorf("file %d: %+v, want build ID %s with note, EM_X86_64", i, f, want[i])
		}
		if f.Path != "debug/.build-id/"+want[i][:2]+"/"+want[i][2:]+".debug" {
			t.Errorf("path %s", f.Path)
		}
		sum, _ := kitdir.HashFile(filepath.Join(rel, f.Path))
		if sum != f.SHA256 {
			t.Errorf("%s: sha256 %s, release file has %s", f.Path, f.SHA256, sum)
		}
	}
	if p, err := Verify(kit); err != nil || len(p) != 0 {
		t.Fatalf("verify fresh kit: %v %v", p, err)
	}

	// idempotent: nothing copied, same inode, same bytes
	kitFile := filepath.Join(kit, s.Files[0].Path)
	before, _ := os.Stat(kitFile)
	res, err = mirror(t, rel, kit)
	if err != nil || res.Written || len(res.Copied) != 0 || len(res.Unchanged) != 2 {
		t.Fatalf("second run: %+v %v", res, err)
	}
	after, _ := os.Stat(kitFile)
	again, _ := os.ReadFile(filepath.Join(kit, StorePath))
	if !os.SameFile(before, after) || !bytes.Equal(data, again) {
		t.Fatal("second run rewrote the kit")
	}

	// a file changed in the kit is caught by Verify and recopied by Mirror
	if err := os.Remove(kitFile); err != nil {
		t.Fatal(err)
	}
	write(t, kitFile, "tampered")
	if p, _ := Verify(kit); len(p) != 1 || !strings.Contains(p[0], "size 8") {
		t.Fatalf("verify tampered: %v", p)
	}
	if res, err = mirror(t, rel, kit); err != nil || len(res.Copied) != 1 || len(res.Unchanged) != 1 {
		t.Fatalf("repair run: %+v %v", res, err)
	}
	os.Remove(filepath.Join(kit, s.Files[1].Path))
	if p, _ := Verify(kit); len(p) != 1 || !strings.HasSuffix(p[0], ": missing") {
		t.Fatalf("verify missing: %v", p)
	}
}

func TestMirrorRefusesAndKeepsKit(t *testing.T) {
	rel, c, _ := release(t)
	kit := t.TempDir()
	if _, err := mirror(t, rel, kit); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(filepath.Join(kit, StorePath))
	elf, _ := os.ReadFile(c.path)
	outside := filepath.Join(t.TempDir(), "secret.debug")
	write(t, outside, string(elf))
	corrupt := append([]byte{}, elf...)
	for i := 0x28; i < 0x40; i++ { // e_shoff … e_shstrndx: section headers point nowhere
		corrupt[i] = 0xff
	}
	cases := []struct {
		name, id, reason string
		make             func(dst string)
	}{
		{"not ELF", "aa0001", "not ELF", func(d string) { write(t, d, "#!/bin/sh\necho not elf\n") }},
		{"truncated", "aa0002", "not ELF", func(d string) { write(t, d, string(elf[:len(elf)/3])) }},
		{"header only", "aa0003", "not ELF", func(d string) { write(t, d, string(elf[:40])) }},
		{"corrupt", "aa0004", "ELF", func(d string) { write(t, d, string(corrupt)) }},
		{"mismatched", "aa0005", "does not match its path", func(d string) { write(t, d, string(elf)) }},
		{"symlink out", "aa0006", "outside the release dir", func(d string) { os.Symlink(outside, d) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst := filepath.Join(rel, Dir, tc.id[:2], tc.id[2:]+".debug")
			os.MkdirAll(filepath.Dir(dst), 0o755)
			tc.make(dst)
			defer os.Remove(dst)
			res, err := mirror(t, rel, kit)
			if exit.CodeOf(err) != exit.CheckFailed || res == nil || len(res.Refused) != 1 {
				t.Fatalf("want exit 2 refusing one file, got %v %+v", err, res)
			}
			if r := res.Refused[0]; !strings.HasSuffix(r.Path, tc.id[2:]+".debug") || !strings.Contains(r.Reason, tc.reason) {
				t.Fatalf("refusal %+v, want reason containing %q", r, tc.reason)
			}
			now, _ := os.ReadFile(filepath.Join(kit, StorePath))
			if !bytes.Equal(good, now) {
				t.Fatal("a refused run changed the kit's debug-store.json")
			}
			if p, _ := Verify(kit); len(p) != 0 {
				t.Fatalf("previous kit damaged: %v", p)
			}
		})
	}
}

func TestMirrorInvalidInput(t *testing.T) {
	kit := filepath.Join(t.TempDir(), "kit")
	if _, err := mirror(t, t.TempDir(), kit); exit.CodeOf(err) != exit.Invalid {
		t.Fatalf("release without debug dir: %v", err)
	}
	if _, err := os.Stat(kit); !os.IsNotExist(err) {
		t.Fatal("invalid input created the kit dir")
	}
	file := filepath.Join(t.TempDir(), "f")
	write(t, file, "x")
	rel, _, _ := release(t)
	if _, err := mirror(t, rel, file); exit.CodeOf(err) != exit.Invalid {
		t.Fatalf("kit dir is a file: %v", err)
	}
}
