package subjectlist

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
)

// KnownColumns are the header names found without --column, in priority
// order when a header has several (an Entra users export has all five).
var KnownColumns = []string{"userPrincipalName", "upn", "objectId", "id", "mail"}

// separators are tried in order: Excel writes ';' where ',' is the
// decimal mark, and such a file should not need converting.
var separators = []rune{',', ';'}

// layout is what the first meaningful line says about the file.
type layout struct {
	csv   bool
	comma rune
	index int    // the column's position in a row
	name  string // as written in the header
	kind  colKind
}

// detect decides the format from the first meaningful line: a CSV header
// when --column is given or a cell is a known column name, plain lines
// when it is a reference itself, otherwise an error saying what to do.
func detect(line []byte, n int, column string) (layout, error) {
	if column != "" {
		return pickColumn(line, n, column)
	}
	for _, comma := range separators {
		cells, err := splitHeader(line, comma)
		if err != nil {
			continue
		}
		for _, known := range KnownColumns {
			if i := indexFold(cells, known); i >= 0 {
				return layout{csv: true, comma: comma, index: i, name: cells[i], kind: columnKind(known)}, nil
			}
		}
	}
	// A header cell never looks like a GUID, an address or a DN, so a
	// line that does is a reference: a DN's commas must not split it.
	if guessable(line) {
		return layout{}, nil
	}
	return layout{}, &Error{Line: n, Msg: fmt.Sprintf("%s is neither a user (object id, user principal name, distinguished name) nor a CSV header with a known column: name the column with --column NAME, or call it one of %s",
		quoted(string(line)), strings.Join(KnownColumns, ", "))}
}

// guessable reports a line that is meant as a reference even if it is a
// bad one (it is then reported with its line number, not as a header).
func guessable(line []byte) bool {
	v := string(trimBlanks(line))
	return isGUID(v) || hasDNPrefix(v) || strings.Contains(v, "@")
}

// pickColumn finds --column (case-insensitive) in the header.
func pickColumn(line []byte, n int, column string) (layout, error) {
	var first []string
	var firstErr error
	for _, comma := range separators {
		cells, err := splitHeader(line, comma)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if first == nil {
			first = cells
		}
		if i := indexFold(cells, column); i >= 0 {
			return layout{csv: true, comma: comma, index: i, name: cells[i], kind: columnKind(cells[i])}, nil
		}
	}
	if first == nil {
		return layout{}, &Error{Line: n, Msg: fmt.Sprintf("cannot read the CSV header: %v", firstErr)}
	}
	return layout{}, &Error{Line: n, Msg: fmt.Sprintf("no column %s in the header; its columns are: %s", quoted(column), listCells(first))}
}

// splitHeader parses one line as a CSV record, cells trimmed.
func splitHeader(line []byte, comma rune) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(line))
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	cells, err := r.Read()
	if err != nil {
		return nil, err
	}
	for i, c := range cells {
		cells[i] = trimBlankString(c)
	}
	return cells, nil
}

func indexFold(cells []string, name string) int {
	for i, c := range cells {
		if strings.EqualFold(c, name) {
			return i
		}
	}
	return -1
}

// columnKind gives the known columns their meaning; any other name (a
// --column of the user's choice) takes any kind of reference.
func columnKind(name string) colKind {
	switch strings.ToLower(name) {
	case "objectid", "id":
		return colID
	case "mail":
		return colMail
	}
	return colAny
}

// listCells names a header's columns for an error, briefly.
func listCells(cells []string) string {
	const most = 30
	var names []string
	for _, c := range cells {
		if c == "" {
			continue
		}
		if len(names) == most {
			names = append(names, "…")
			break
		}
		names = append(names, quoted(c))
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}
