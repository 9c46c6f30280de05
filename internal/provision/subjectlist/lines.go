package subjectlist

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLine is the longest line read, in bytes. Longer lines are reported,
// not held: memory stays bounded whatever is piped in.
const MaxLine = 64 << 10

const reasonLongLine = "line longer than 64 KiB"

// headLen is how much of an over-long line is kept for its Problem text.
const headLen = 512

var (
	bom     = []byte("\xef\xbb\xbf")
	utf16LE = []byte("\xff\xfe")
	utf16BE = []byte("\xfe\xff")
)

// lineReader yields physical lines with their endings and trailing blanks
// removed, counting them so every report can name its line.
type lineReader struct {
	br  *bufio.Reader
	n   int // number of the line last returned
	eof bool
}

func newLineReader(r io.Reader) (*lineReader, error) {
	// Room for a full line plus "\r\n": a longer one is ErrBufferFull.
	br := bufio.NewReaderSize(r, MaxLine+2)
	head, err := br.Peek(len(bom))
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read subject list: %w", err)
	}
	switch {
	case bytes.HasPrefix(head, bom):
		_, _ = br.Discard(len(bom))
	case bytes.HasPrefix(head, utf16LE), bytes.HasPrefix(head, utf16BE):
		// Windows PowerShell 5.1 writes UTF-16 by default: every line
		// would fail, so say what to do instead.
		return nil, &Error{Line: 1, Msg: "the file is UTF-16 encoded: save it as UTF-8 (PowerShell: Out-File -Encoding utf8)"}
	}
	return &lineReader{br: br}, nil
}

// next returns the next line, valid until the following call, or io.EOF.
// long marks a line over MaxLine bytes: only its start is returned, the
// rest is skipped.
func (lr *lineReader) next() (line []byte, long bool, err error) {
	if lr.eof {
		return nil, false, io.EOF
	}
	line, err = lr.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		lr.n++
		head := bytes.Clone(line[:headLen])
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = lr.br.ReadSlice('\n')
		}
		if err == io.EOF {
			lr.eof = true
		} else if err != nil {
			return nil, false, lr.fail(lr.n, err)
		}
		return head, true, nil
	}
	if err == io.EOF {
		// A last line without a newline still counts.
		lr.eof = true
		if len(line) == 0 {
			return nil, false, io.EOF
		}
	} else if err != nil {
		return nil, false, lr.fail(lr.n+1, err)
	}
	lr.n++
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > MaxLine {
		return line[:headLen], true, nil
	}
	for len(line) > 0 && (line[len(line)-1] == ' ' || line[len(line)-1] == '\t') {
		line = line[:len(line)-1]
	}
	return line, false, nil
}

func (lr *lineReader) fail(line int, err error) error {
	lr.eof = true
	return fmt.Errorf("read subject list at line %d: %w", line, err)
}
