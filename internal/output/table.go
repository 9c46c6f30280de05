package output

import (
	"bytes"
	"strings"
)

// columnGap separates table columns on a terminal.
const columnGap = "  "

// minColumnWidth is how narrow truncation may make a column (unless its
// header is wider, or its content narrower).
const minColumnWidth = 6

// renderTable renders sections for a terminal or, when stdout is not one,
// plainly: tab-separated with a header row, no color unless forced, nothing
// cut. Sections are separated by a blank line.
func (p *Printer) renderTable(sections []Section) []byte {
	r := tableRenderer{
		tty:   p.Streams.StdoutTTY,
		color: p.Streams.Color,
		width: p.Streams.outWidth(),
	}
	var b bytes.Buffer
	for i, sec := range sections {
		if i > 0 {
			b.WriteByte('\n')
		}
		r.section(&b, sec)
	}
	return b.Bytes()
}

// tableRenderer holds what decides the look of one rendering.
type tableRenderer struct {
	tty   bool // terminal layout: aligned, cut to width
	color bool
	width int
}

func (r tableRenderer) paint(style Style, text string) string {
	return paint(r.color, style, text)
}

func (r tableRenderer) section(b *bytes.Buffer, sec Section) {
	if sec.Title != "" {
		b.WriteString(r.paint(Bold, Sanitize(sec.Title)))
		b.WriteByte('\n')
	}
	if len(sec.Fields) > 0 {
		r.fields(b, sec.Fields)
	}
	if len(sec.Columns) > 0 || len(sec.Rows) > 0 {
		r.table(b, sec.Columns, sec.Rows)
	}
}

// fields writes "Name:  value" lines, names muted and values aligned on a
// terminal, "name<TAB>value" otherwise. Values are never cut: they are
// often the message that explains a failure.
func (r tableRenderer) fields(b *bytes.Buffer, fields []Field) {
	names := make([]string, len(fields))
	nameWidth := 0
	for i, f := range fields {
		names[i] = Sanitize(f.Name)
		nameWidth = max(nameWidth, displayWidth(names[i]))
	}
	for i, f := range fields {
		value := r.paint(f.Value.Style, Sanitize(f.Value.Text))
		if !r.tty {
			b.WriteString(r.paint(Muted, names[i]))
			b.WriteByte('\t')
			b.WriteString(value)
			b.WriteByte('\n')
			continue
		}
		b.WriteString(r.paint(Muted, names[i]+":"))
		pad(b, nameWidth-displayWidth(names[i])+len(columnGap))
		b.WriteString(value)
		b.WriteByte('\n')
	}
}

// table writes a header row and the rows.
func (r tableRenderer) table(b *bytes.Buffer, columns []string, rows [][]Cell) {
	ncol := len(columns)
	for _, row := range rows {
		ncol = max(ncol, len(row))
	}
	header := make([]string, ncol)
	for i, c := range columns {
		header[i] = Sanitize(c)
		if r.tty {
			header[i] = strings.ToUpper(header[i])
		}
	}
	cells := make([][]string, len(rows))
	for i, row := range rows {
		cells[i] = make([]string, ncol)
		for j, c := range row {
			cells[i][j] = Sanitize(c.Text)
		}
	}
	if !r.tty {
		r.plainTable(b, header, len(columns) > 0, cells, rows)
		return
	}
	widths := fitWidths(naturalWidths(header, cells), header, r.width)
	if len(columns) > 0 {
		r.line(b, widths, func(j int) (string, Style) { return header[j], Bold })
	}
	for i := range cells {
		r.line(b, widths, func(j int) (string, Style) { return cells[i][j], cellStyle(rows[i], j) })
	}
}

// plainTable writes tab-separated lines, the header first when there is one.
func (r tableRenderer) plainTable(b *bytes.Buffer, header []string, hasHeader bool, cells [][]string, rows [][]Cell) {
	if hasHeader {
		b.WriteString(strings.Join(header, "\t"))
		b.WriteByte('\n')
	}
	for i, row := range cells {
		for j, text := range row {
			if j > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(r.paint(cellStyle(rows[i], j), text))
		}
		b.WriteByte('\n')
	}
}

// line writes one aligned terminal row without trailing spaces.
func (r tableRenderer) line(b *bytes.Buffer, widths []int, cell func(j int) (string, Style)) {
	start := b.Len()
	for j, w := range widths {
		text, style := cell(j)
		text, tw := truncateWidth(text, w)
		b.WriteString(r.paint(style, text))
		if j < len(widths)-1 {
			pad(b, w-tw+len(columnGap))
		}
	}
	// Padding is written unpainted, so trailing spaces are only padding
	// (or a cell's own trailing blanks, which do not matter at line end).
	trimmed := bytes.TrimRight(b.Bytes()[start:], " ")
	b.Truncate(start + len(trimmed))
	b.WriteByte('\n')
}

// pad writes n spaces.
func pad(b *bytes.Buffer, n int) {
	for range n {
		b.WriteByte(' ')
	}
}

func cellStyle(row []Cell, j int) Style {
	if j < len(row) {
		return row[j].Style
	}
	return Plain
}

// naturalWidths is the width each column needs to show everything.
func naturalWidths(header []string, cells [][]string) []int {
	widths := make([]int, len(header))
	for j, h := range header {
		widths[j] = displayWidth(h)
	}
	for _, row := range cells {
		for j, text := range row {
			widths[j] = max(widths[j], displayWidth(text))
		}
	}
	return widths
}

// fitWidths narrows columns until the row fits total columns: always the
// widest column first (the last of equals), never below its minimum. If
// the minimums do not fit, the row is left wider than total.
func fitWidths(widths []int, header []string, total int) []int {
	need := len(columnGap) * (len(widths) - 1)
	minimum := make([]int, len(widths))
	for j, w := range widths {
		need += w
		minimum[j] = min(w, max(minColumnWidth, displayWidth(header[j])))
	}
	over := need - total
	for over > 0 {
		widest, second := -1, 0
		for j, w := range widths {
			if w <= minimum[j] {
				continue
			}
			if widest < 0 || w >= widths[widest] {
				if widest >= 0 {
					second = max(second, widths[widest])
				}
				widest = j
			} else {
				second = max(second, w)
			}
		}
		if widest < 0 {
			break
		}
		cut := min(over, widths[widest]-max(second, minimum[widest]))
		if cut <= 0 {
			cut = 1
		}
		widths[widest] -= cut
		over -= cut
	}
	return widths
}
