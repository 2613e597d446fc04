package debugstore

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// ntGNUBuildID is the note type of the GNU build ID (elf.h NT_GNU_BUILD_ID).
const ntGNUBuildID = 3

// elfFacts are what the store records of one ELF file.
type elfFacts struct {
	Machine string
	Class   string
	BuildID string // "" when the file has no GNU build-id note
}

// readELF parses r as ELF and finds its GNU build-id note. Anything that is
// not a complete, readable ELF file is an error (the file is refused).
func readELF(r io.ReaderAt) (elfFacts, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return elfFacts{}, fmt.Errorf("not ELF: %w", err)
	}
	defer f.Close()
	facts := elfFacts{Machine: f.Machine.String(), Class: f.Class.String()}
	for _, s := range f.Sections {
		if s.Type != elf.SHT_NOTE {
			continue
		}
		data, err := s.Data()
		if err != nil {
			return elfFacts{}, fmt.Errorf("corrupt ELF: note section %s: %w", s.Name, err)
		}
		id, err := buildIDNote(data, f.ByteOrder)
		if err != nil {
			return elfFacts{}, fmt.Errorf("corrupt ELF: note section %s: %w", s.Name, err)
		}
		if id != "" {
			facts.BuildID = id
			return facts, nil
		}
	}
	return facts, nil
}

// buildIDNote walks the notes of one SHT_NOTE section and returns the hex
// descriptor of the GNU build-id note, or "" when there is none.
func buildIDNote(data []byte, bo binary.ByteOrder) (string, error) {
	for len(data) > 0 {
		if len(data) < 12 {
			return "", errors.New("truncated note header")
		}
		namesz, descsz, typ := bo.Uint32(data), bo.Uint32(data[4:]), bo.Uint32(data[8:])
		data = data[12:]
		nameEnd, descEnd := align4(uint64(namesz)), align4(uint64(namesz))+uint64(descsz)
		if uint64(len(data)) < descEnd {
			return "", errors.New("truncated note")
		}
		name, desc := data[:namesz], data[nameEnd:descEnd]
		if typ == ntGNUBuildID && bytes.Equal(bytes.TrimRight(name, "\x00"), []byte("GNU")) {
			return hex.EncodeToString(desc), nil
		}
		next := align4(descEnd)
		if next > uint64(len(data)) {
			next = uint64(len(data))
		}
		data = data[next:]
	}
	return "", nil
}

func align4(n uint64) uint64 { return (n + 3) &^ 3 }
