// Package subjectlist reads the file behind `provision run --from`: one
// user per line (object id, user principal name, or for cloud sync an AD
// distinguished name), or a CSV export whose user column is found by name.
//
// Parse never contacts anything: it turns the file into references, notes
// duplicates and reports every unusable line with its number, so the
// command can refuse the whole file before the first request is sent.
//
// Both formats skip blank lines and lines whose first non-blank character
// is '#' (outside a quoted CSV field). A plain line is one value, commas
// included, since a distinguished name has them. A CSV row may continue
// over lines inside a quoted field, up to MaxLine bytes in all.
package subjectlist

import (
	"fmt"
	"io"
	"strings"
)

// Kind says what a reference is, so the caller knows how to look it up.
type Kind string

const (
	KindID   Kind = "id"   // object id (GUID)
	KindUPN  Kind = "upn"  // user principal name
	KindMail Kind = "mail" // mail address, from a mail column
	KindDN   Kind = "dn"   // AD distinguished name (cloud sync)
)

// Entry is one user to provision. Line is where it was found (1-based,
// counting every physical line of the file).
type Entry struct {
	Line int
	Ref  string
	Kind Kind
}

// Duplicate is a later line naming a user already listed on FirstLine.
type Duplicate struct {
	Line, FirstLine int
	Ref             string
}

// Problem is a line that cannot be used. Text is the offending value (or
// row), clipped and with invisible characters escaped: safe to print.
type Problem struct {
	Line   int
	Text   string
	Reason string
}

// MaxRecorded caps Problems and Duplicates, so a wrong (say binary) file
// cannot fill memory with notes; the rest are only counted.
const MaxRecorded = 1000

// DefaultMaxEntries is the limit on users when Options.MaxEntries is 0.
const DefaultMaxEntries = 100000

// List is the parsed file.
type List struct {
	Entries    []Entry // in file order, duplicates removed
	Duplicates []Duplicate
	Problems   []Problem
	// MoreDuplicates and MoreProblems count those past MaxRecorded.
	MoreDuplicates int
	MoreProblems   int
	Format         string // "lines" or "csv"
	Column         string // the CSV header name used, as written; "" for lines
	Comma          rune   // the CSV separator (',' or ';'); 0 for lines
}

// Invalid is the number of problems, recorded or not.
func (l *List) Invalid() int { return len(l.Problems) + l.MoreProblems }

// Options are the command's flags.
type Options struct {
	Column     string // --column: the CSV column to read; forces CSV
	MaxEntries int    // 0 means DefaultMaxEntries
}

// Error is a fault of the file as a whole (its header, --column, its
// size, its encoding): no line of it can be trusted. Reader failures are
// returned wrapped instead, so callers can tell the two apart.
type Error struct {
	Line int // 0 when no line is to blame
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Parse reads a subject list. The returned error is an *Error for a file
// that cannot be used at all, or a wrapped reader error; line-level
// faults are List.Problems instead.
func Parse(r io.Reader, opts Options) (*List, error) {
	column := trimBlankString(opts.Column)
	if column == "" && opts.Column != "" {
		return nil, &Error{Msg: "--column needs a column name"}
	}
	lr, err := newLineReader(r)
	if err != nil {
		return nil, err
	}
	p := newParser(lr, opts.MaxEntries)
	p.list.Format = "lines"
	if column != "" {
		p.list.Format = "csv"
	}
	first, err := p.meaningful()
	if err == io.EOF {
		return p.list, nil
	}
	if err != nil {
		return nil, err
	}
	lay, err := detect(first, lr.n, column)
	if err != nil {
		return nil, err
	}
	if lay.csv {
		p.list.Format, p.list.Column, p.list.Comma = "csv", lay.name, lay.comma
		err = p.csvRows(lay)
	} else {
		p.list.Format = "lines"
		err = p.lines(first)
	}
	if err != nil {
		return nil, err
	}
	return p.list, nil
}

// meaningful returns the next line that is not blank, a comment or too
// long (that one is reported). The first decides the format.
func (p *parser) meaningful() ([]byte, error) {
	for {
		line, long, err := p.lr.next()
		if err != nil {
			return nil, err
		}
		if long {
			p.problem(p.lr.n, printable(string(line)), reasonLongLine)
			continue
		}
		if !skippable(line) {
			return line, nil
		}
	}
}

// lines reads the plain format: each meaningful line is one value, taken
// whole, so a distinguished name keeps its commas.
func (p *parser) lines(first []byte) error {
	for line := first; ; {
		n, v := p.lr.n, string(trimBlanks(line))
		if kind, ok := p.check(n, v, colAny, ""); ok {
			if err := p.add(n, v, kind); err != nil {
				return err
			}
		}
		var err error
		if line, err = p.meaningful(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// skippable reports a blank or # comment line.
func skippable(line []byte) bool {
	line = trimBlanks(line)
	return len(line) == 0 || line[0] == '#'
}

// trimBlanks drops spaces and tabs at both ends (not other white space:
// a stray no-break space must stay visible and be reported).
func trimBlanks(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

func trimBlankString(s string) string { return strings.Trim(s, " \t") }
