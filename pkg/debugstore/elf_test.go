package debugstore

import (
	"encoding/binary"
	"testing"
)

func note(name string, typ uint32, desc []byte) []byte {
	n := append([]byte(name), 0)
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(n)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(desc)))
	b = binary.LittleEndian.AppendUint32(b, typ)
	b = append(b, n...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	b = append(b, desc...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func TestBuildIDNote(t *testing.T) {
	id := []byte{0xab, 0xcd, 0xef, 0x01, 0x23}
	abi := note("GNU", 1, []byte{0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0})
	cases := []struct {
		name string
		data []byte
		want string
		err  bool
	}{
		{"build id", note("GNU", 3, id), "abcdef0123", false},
		{"after ABI tag", append(abi, note("GNU", 3, id)...), "abcdef0123", false},
		{"Go note is not GNU", note("Go", 4, []byte("abcd")), "", false},
		{"other owner, type 3", note("XYZ", 3, id), "", false},
		{"empty", nil, "", false},
		{"truncated header", []byte{4, 0, 0}, "", true},
		{"truncated desc", note("GNU", 3, id)[:18], "", true},
	}
	for _, tc := range cases {
		got, err := buildIDNote(tc.data, binary.LittleEndian)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("%s: got %q, %v; want %q, error %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}

func TestPathBuildID(t *testing.T) {
	cases := map[string]string{
		"ab/cdef.debug": "abcdef", "AB/CDEF.debug": "abcdef", "ab/cdef": "abcdef",
		"ab/cde.debug": "", "abc/def.debug": "", "ab/xyz.debug": "", "ab/cd/ef.debug": "", "abcd.debug": "",
	}
	for in, want := range cases {
		got, ok := pathBuildID(in)
		if got != want || ok != (want != "") {
			t.Errorf("%s: got %q %v, want %q", in, got, ok, want)
		}
	}
}
