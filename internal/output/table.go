package output

import (
	"bytes"
	"strings"
)

// columnGap separates table columns on a terminal.
const columnGap = "  "

// renderTable renders sections for a terminal or, when stdout is not one,
// plainly: tab-separated with a header row, no color unless forced, nothing
// cut. Sections are separated by a blank line.
func (p *Printer) renderTable(sections []Section) []byte {
	r := tableRenderer{
		tty:       p.Streams.StdoutTTY,
		color:     p.Streams.Color,
		width:     p.Streams.outWidth(),
		noHeaders: p.NoHeaders,
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
	tty       bool // terminal layout: aligned, fitted to width
	color     bool
	width     int
	noHeaders bool // --no-headers: tables without their header row
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
	switch {
	case len(sec.Blocks) > 0 && (r.tty || len(sec.Columns)+len(sec.Rows) == 0):
		r.blocks(b, sec.Blocks)
	case len(sec.Columns) > 0 || len(sec.Rows) > 0:
		r.table(b, sec)
	}
}

// fields writes "Name:  value" lines, names muted and values aligned on a
// terminal (a long value wrapped at spaces under itself), "name<TAB>value"
// otherwise. Values are never cut: they are often the message that
// explains a failure.
func (r tableRenderer) fields(b *bytes.Buffer, fields []Field) {
	names := make([]string, len(fields))
	nameWidth := 0
	for i, f := range fields {
		names[i] = Sanitize(f.Name)
		nameWidth = max(nameWidth, displayWidth(names[i]))
	}
	for i, f := range fields {
		if !r.tty {
			b.WriteString(r.paint(Muted, names[i]))
			b.WriteByte('\t')
			b.WriteString(r.paint(f.Value.Style, Sanitize(f.Value.Text)))
			b.WriteByte('\n')
			continue
		}
		label := r.paint(Muted, names[i]+":") + strings.Repeat(" ", nameWidth-displayWidth(names[i])+len(columnGap))
		if f.Value.Text == "" {
			b.WriteString(strings.TrimRight(label, " "))
			b.WriteByte('\n')
			continue
		}
		r.indented(b, 0, label, nameWidth+1+len(columnGap), Sanitize(f.Value.Text), f.Value.Style)
	}
}

// table writes a header row (unless --no-headers) and the rows: on a
// terminal fitted to its width (see Section), elsewhere tab-separated.
func (r tableRenderer) table(b *bytes.Buffer, sec Section) {
	t := newGrid(sec, r.tty)
	if !r.tty {
		r.plainTable(b, t)
		return
	}
	plan := planColumns(t, r.width, t.hasHeader && !r.noHeaders)
	if plan.records {
		r.records(b, t)
		return
	}
	if len(sec.Columns) > 0 && !r.noHeaders {
		r.line(b, plan.widths, func(k int) (string, Style) { return t.header[plan.visible[k]], Bold })
	}
	for i := range t.cells {
		r.row(b, t, i, plan)
	}
	if len(plan.dropped) > 0 {
		names := make([]string, len(plan.dropped))
		for k, j := range plan.dropped {
			names[k] = t.header[j]
		}
		b.WriteString(r.paint(Muted, strings.Join(names, ", ")+" hidden: the terminal is too narrow; widen it or use -o json"))
		b.WriteByte('\n')
	}
}

// row writes one table row: cells of Wrap columns may take several lines,
// those of Shrink columns are cut, the others are whole.
func (r tableRenderer) row(b *bytes.Buffer, t grid, i int, plan columnPlan) {
	lines := make([][]string, len(plan.visible))
	height := 1
	for k, j := range plan.visible {
		text := t.cells[i][j]
		if t.kinds[j] == wrapColumn {
			lines[k] = wrapCell(text, plan.widths[k])
			height = max(height, len(lines[k]))
		} else {
			lines[k] = []string{text}
		}
	}
	for n := range height {
		r.line(b, plan.widths, func(k int) (string, Style) {
			if n < len(lines[k]) {
				return lines[k][n], cellStyle(t.rows[i], plan.visible[k])
			}
			return "", Plain
		})
	}
}

// plainTable writes tab-separated lines, the header first when there is
// one and --no-headers is not given.
func (r tableRenderer) plainTable(b *bytes.Buffer, t grid) {
	if t.hasHeader && !r.noHeaders {
		b.WriteString(strings.Join(t.header, "\t"))
		b.WriteByte('\n')
	}
	for i, row := range t.cells {
		for j, text := range row {
			if j > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(r.paint(cellStyle(t.rows[i], j), text))
		}
		b.WriteByte('\n')
	}
}

// line writes one aligned terminal row without trailing spaces, cutting a
// cell wider than its column (only Shrink columns are ever narrower than
// their cells).
func (r tableRenderer) line(b *bytes.Buffer, widths []int, cell func(k int) (string, Style)) {
	start := b.Len()
	for k, w := range widths {
		text, style := cell(k)
		text, tw := truncateWidth(text, w)
		b.WriteString(r.paint(style, text))
		if k < len(widths)-1 {
			pad(b, w-tw+len(columnGap))
		}
	}
	// Padding is written unpainted, so trailing spaces are only padding
	// (or a cell's own trailing blanks, which do not matter at line end).
	trimmed := bytes.TrimRight(b.Bytes()[start:], " ")
	b.Truncate(start + len(trimmed))
	b.WriteByte('\n')
}

// records writes each row as "COLUMN:  value" lines, rows apart by a blank
// line: the layout of a table whose whole columns are wider than the
// terminal. Every column is there; free text is wrapped, nothing is cut,
// empty cells are left out.
func (r tableRenderer) records(b *bytes.Buffer, t grid) {
	labelWidth := 0
	for _, h := range t.header {
		labelWidth = max(labelWidth, displayWidth(h)+1)
	}
	indent := labelWidth + len(columnGap)
	for i, row := range t.cells {
		if i > 0 {
			b.WriteByte('\n')
		}
		for j, text := range row {
			if text == "" {
				continue
			}
			label := t.header[j] + ":"
			if t.header[j] == "" {
				label = ""
			}
			b.WriteString(r.paint(Muted, label))
			pad(b, indent-displayWidth(label))
			lines := []string{text}
			if t.kinds[j] != fixedColumn {
				lines = wrap(text, r.width-indent)
			}
			style := cellStyle(t.rows[i], j)
			for n, l := range lines {
				if n > 0 {
					pad(b, indent)
				}
				b.WriteString(r.paint(style, l))
				b.WriteByte('\n')
			}
		}
	}
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
