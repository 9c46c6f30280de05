package output

import "strings"

// minColumnWidth is how narrow a Shrink column may be cut (unless its
// header is wider, or its content narrower); minWrapWidth is the same for
// a Wrap column, wider because its cells are read in full.
const (
	minColumnWidth = 6
	minWrapWidth   = 12
)

// columnKind says how a terminal table may narrow a column.
type columnKind int

const (
	fixedColumn  columnKind = iota // shown whole: ids, times, states
	shrinkColumn                   // free text cut with "…"
	wrapColumn                     // free text wrapped onto more lines
)

// grid is a table section with its text sanitized and each column's kind
// and drop rank known.
type grid struct {
	header    []string // sanitized, upper case on a terminal ("" past Columns)
	hasHeader bool
	cells     [][]string // sanitized; every row has len(header) cells
	rows      [][]Cell   // as given, for styles
	kinds     []columnKind
	drop      []int // column indexes in the order they may be left out
}

func newGrid(sec Section, tty bool) grid {
	ncol := len(sec.Columns)
	for _, row := range sec.Rows {
		ncol = max(ncol, len(row))
	}
	t := grid{header: make([]string, ncol), hasHeader: len(sec.Columns) > 0, rows: sec.Rows, kinds: make([]columnKind, ncol)}
	for j, c := range sec.Columns {
		t.header[j] = Sanitize(c)
		if tty {
			t.header[j] = strings.ToUpper(t.header[j])
		}
	}
	t.cells = make([][]string, len(sec.Rows))
	for i, row := range sec.Rows {
		t.cells[i] = make([]string, ncol)
		for j, c := range row {
			t.cells[i][j] = Sanitize(c.Text)
		}
	}
	for _, name := range sec.Shrink {
		if j := columnIndex(sec.Columns, name); j >= 0 {
			t.kinds[j] = shrinkColumn
		}
	}
	for _, name := range sec.Wrap {
		if j := columnIndex(sec.Columns, name); j >= 0 {
			t.kinds[j] = wrapColumn
		}
	}
	for _, name := range sec.Drop {
		if j := columnIndex(sec.Columns, name); j >= 0 {
			t.drop = append(t.drop, j)
		}
	}
	return t
}

// columnIndex finds a column by header, in any case; -1 when none has it.
func columnIndex(columns []string, name string) int {
	for j, c := range columns {
		if strings.EqualFold(c, name) {
			return j
		}
	}
	return -1
}

// columnPlan is how a table is laid out on a terminal: the columns shown
// and their widths, the columns left out, or records instead of a table.
type columnPlan struct {
	visible []int
	widths  []int
	dropped []int // in table order
	records bool
}

// planColumns fits t into total columns: free-text columns narrow first
// (fitWidths); if their narrowest does not fit, Drop columns go one at a
// time; if the whole columns alone are still too wide, each row becomes a
// record (only for a table with a header, whose names label the values).
// countHeader says the header row is shown, so its names need room.
func planColumns(t grid, total int, countHeader bool) columnPlan {
	natural := make([]int, len(t.header))
	minimum := make([]int, len(t.header))
	for j, h := range t.header {
		hw := displayWidth(h)
		if countHeader {
			natural[j] = hw
		}
		for _, row := range t.cells {
			natural[j] = max(natural[j], displayWidth(row[j]))
		}
		switch t.kinds[j] {
		case shrinkColumn:
			minimum[j] = min(natural[j], max(minColumnWidth, hw))
		case wrapColumn:
			minimum[j] = min(natural[j], max(minWrapWidth, hw))
		default:
			minimum[j] = natural[j]
		}
	}
	gone := make([]bool, len(t.header))
	for n := 0; ; n++ {
		var plan columnPlan
		var widths, minima []int
		for j := range t.header {
			if gone[j] {
				plan.dropped = append(plan.dropped, j)
				continue
			}
			plan.visible = append(plan.visible, j)
			widths = append(widths, natural[j])
			minima = append(minima, minimum[j])
		}
		plan.widths = fitWidths(widths, minima, total)
		if rowWidth(plan.widths) <= total {
			return plan
		}
		if n < len(t.drop) {
			gone[t.drop[n]] = true
			continue
		}
		if t.hasHeader {
			return columnPlan{records: true}
		}
		return plan // no names to label records with: the row runs over
	}
}

// rowWidth is the width of a table row with columns of these widths.
func rowWidth(widths []int) int {
	w := len(columnGap) * max(len(widths)-1, 0)
	for _, c := range widths {
		w += c
	}
	return w
}

// fitWidths narrows columns until the row fits total columns: always the
// widest column first (the last of equals), never below its minimum. If
// the minimums do not fit, the row is left wider than total.
func fitWidths(widths, minimum []int, total int) []int {
	over := rowWidth(widths) - total
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
