package journal

import (
	"bufio"
	"bytes"
	"io"
	"os"
)

// repairTail cuts off a torn last line: one without a trailing newline,
// a write cut short by a crash. The caller has read the file first
// (Read's rules), so the rest is whole records.
func repairTail(f *os.File) (*Repair, int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	size := fi.Size()
	if size == 0 {
		return nil, 0, nil
	}
	last, err := lastNewline(f, size)
	if err != nil {
		return nil, 0, err
	}
	cut := size
	if last != size-1 {
		cut = last + 1 // no trailing newline: the tail is torn
	}
	if cut == size {
		return nil, size, nil
	}
	lines, err := countLines(f, cut)
	if err != nil {
		return nil, 0, err
	}
	if err := f.Truncate(cut); err != nil {
		return nil, 0, err
	}
	if err := f.Sync(); err != nil {
		return nil, 0, err
	}
	return &Repair{Line: lines + 1, Bytes: size - cut}, cut, nil
}

// lastNewline finds the last '\n' before offset end, or -1.
func lastNewline(f *os.File, end int64) (int64, error) {
	buf := make([]byte, 64<<10)
	for end > 0 {
		n := min(int64(len(buf)), end)
		start := end - n
		if _, err := f.ReadAt(buf[:n], start); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return start + int64(i), nil
		}
		end = start
	}
	return -1, nil
}

// countLines counts newlines in the first n bytes.
func countLines(f *os.File, n int64) (int, error) {
	r := bufio.NewReaderSize(io.NewSectionReader(f, 0, n), 64<<10)
	buf := make([]byte, 64<<10)
	lines := 0
	for {
		k, err := r.Read(buf)
		lines += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return 0, err
		}
	}
}
