package subjectlist

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

var errRecordTooLong = errors.New("record too long")

// csvRows reads the rows after the header. encoding/csv reads from a feed
// that hands it one bounded line at a time, so line numbers stay exact, a
// malformed row is just reported, and a quote left open cannot swallow
// more than MaxLine bytes.
func (p *parser) csvRows(lay layout) error {
	f := &feed{p: p}
	r := csv.NewReader(f)
	r.Comma = lay.comma
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.ReuseRecord = true
	for {
		f.begin()
		row, err := r.Read()
		if f.err != nil {
			return f.err
		}
		if err == io.EOF {
			return nil
		}
		n := f.startLine
		var pe *csv.ParseError
		switch {
		case errors.Is(err, errRecordTooLong):
			p.problem(n, f.text(), "row longer than 64 KiB (a quote left open?)")
		case errors.As(err, &pe):
			p.problem(n, f.text(), "malformed CSV: "+pe.Err.Error())
		case err != nil:
			return fmt.Errorf("read subject list at line %d: %w", n, err)
		case lay.index >= len(row):
			p.problem(n, f.text(), fmt.Sprintf("no %s value (the row ends after column %d)", lay.name, len(row)))
		default:
			v := trimBlankString(row[lay.index])
			if v == "" {
				p.problem(n, f.text(), "empty "+lay.name)
				continue
			}
			if kind, ok := p.check(n, v, lay.kind, lay.name); ok {
				// A cell shares memory with its whole row: keep a copy.
				if err := p.add(n, strings.Clone(v), kind); err != nil {
					return err
				}
			}
		}
	}
}

// feed is the io.Reader behind csv.Reader. At the start of a row it skips
// blank, comment and over-long lines; inside a quoted field that spans
// lines it passes the next line on as it is, as the field's content.
type feed struct {
	p         *parser
	cur       []byte // rest of the current line
	nl        bool   // its "\n" is still to be passed on
	start     bool   // the next line begins a row
	startLine int
	size      int
	first     []byte // the row's first line, valid until the reader moves on
	firstText string // its printable copy, taken before it moves on
	err       error  // a reader failure, returned by Parse
}

func (f *feed) begin() {
	f.start, f.first, f.firstText, f.size = true, nil, "", 0
}

// text shows the current row in a Problem.
func (f *feed) text() string {
	if f.firstText != "" {
		return f.firstText
	}
	return printable(string(f.first))
}

func (f *feed) Read(b []byte) (int, error) {
	if len(f.cur) == 0 && !f.nl {
		if err := f.advance(); err != nil {
			return 0, err
		}
	}
	if len(f.cur) > 0 {
		n := copy(b, f.cur)
		f.cur = f.cur[n:]
		return n, nil
	}
	if len(b) == 0 {
		return 0, nil
	}
	b[0] = '\n'
	f.nl = false
	return 1, nil
}

func (f *feed) advance() error {
	if !f.start && f.firstText == "" {
		f.firstText = printable(string(f.first))
	}
	lr := f.p.lr
	for {
		line, long, err := lr.next()
		if err != nil {
			if err != io.EOF {
				f.err = err
			}
			return err
		}
		if f.start {
			if long {
				f.p.problem(lr.n, printable(string(line)), reasonLongLine)
				continue
			}
			if skippable(line) {
				continue
			}
			f.start, f.startLine, f.first, f.size = false, lr.n, line, len(line)
		} else if f.size += 1 + len(line); long || f.size > MaxLine {
			return errRecordTooLong
		}
		f.cur, f.nl = line, true
		return nil
	}
}
