package yamlpos

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// MaxFile bounds an input file: real ones are kilobytes, and parsing tens of
// megabytes of YAML takes most of a minute and a gigabyte.
const MaxFile = 16 << 20

// ReadFile reads an input file (what names it in messages: "values",
// "release manifest", …) with the checks every reader needs: only a regular
// file (a FIFO, a device, a directory is invalid input, refused without
// blocking: the file is opened non-blocking and checked before reading),
// and at most MaxFile bytes of what is actually read — not what stat
// claims, which /proc files and growing files get wrong.
func ReadFile(what, path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, exit.InvalidInput("%s: %w", what, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, exit.InvalidInput("%s: %w", what, err)
	}
	if !st.Mode().IsRegular() {
		return nil, exit.InvalidInput("%s: %s is not a regular file (%s)", what, path, kind(st.Mode()))
	}
	if err := syscall.SetNonblock(int(f.Fd()), false); err != nil {
		return nil, exit.InvalidInput("%s: %w", what, err)
	}
	// sized by stat (read in one go, not grown by doubling), bounded by what is read
	buf := bytes.NewBuffer(make([]byte, 0, min(max(st.Size(), 0), MaxFile)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxFile+1)); err != nil {
		return nil, exit.InvalidInput("%s: %w", what, err)
	}
	data := buf.Bytes()
	if len(data) > MaxFile {
		return nil, exit.InvalidInput("%s: %s is larger than the %d MiB an input file may have", what, path, MaxFile>>20)
	}
	return data, nil
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeDevice != 0, m&os.ModeCharDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return fmt.Sprintf("mode %v", m.Type())
}
