package output

import (
	"bytes"
	"strings"
)

// blocks writes each block as its heading line, then its text wrapped to
// the width and its fields as aligned "name  value" lines, indented under
// the heading's second cell; blocks are apart by a blank line. Heading
// cells line up across blocks like table columns, after a column for the
// marks. Outside a terminal (a section of blocks alone) the heading is
// tab-separated and nothing is wrapped.
func (r tableRenderer) blocks(b *bytes.Buffer, blocks []Block) {
	markWidth, cols := 0, []int{}
	for _, blk := range blocks {
		markWidth = max(markWidth, displayWidth(Sanitize(blk.Mark.Text)))
		for k, c := range blk.Heading {
			if k == len(cols) {
				cols = append(cols, 0)
			}
			cols[k] = max(cols[k], displayWidth(Sanitize(c.Text)))
		}
	}
	markCol := 0
	if markWidth > 0 {
		markCol = markWidth + 1
	}
	indent := markCol
	if len(cols) > 1 {
		indent += cols[0] + len(columnGap)
	}
	for i, blk := range blocks {
		if i > 0 {
			b.WriteByte('\n')
		}
		if !r.tty {
			r.plainBlock(b, blk)
			continue
		}
		if markCol > 0 {
			mark := Sanitize(blk.Mark.Text)
			b.WriteString(r.paint(blk.Mark.Style, mark))
			pad(b, markCol-displayWidth(mark))
		}
		r.line(b, cols[:len(blk.Heading)], func(k int) (string, Style) {
			return Sanitize(blk.Heading[k].Text), blk.Heading[k].Style
		})
		r.indented(b, indent, "", 0, Sanitize(blk.Text.Text), blk.Text.Style)
		nameWidth := 0
		for _, f := range blk.Fields {
			if f.Value.Text != "" {
				nameWidth = max(nameWidth, displayWidth(Sanitize(f.Name)))
			}
		}
		for _, f := range blk.Fields {
			if f.Value.Text == "" {
				continue
			}
			name := Sanitize(f.Name)
			label := r.paint(Muted, name) + strings.Repeat(" ", nameWidth-displayWidth(name)+len(columnGap))
			r.indented(b, indent, label, nameWidth+len(columnGap), Sanitize(f.Value.Text), f.Value.Style)
		}
	}
}

// indented writes text wrapped to the width after indent spaces and a
// label (painted and padded, labelWidth wide); continuation lines are
// indented past the label too.
func (r tableRenderer) indented(b *bytes.Buffer, indent int, label string, labelWidth int, text string, style Style) {
	if text == "" {
		return
	}
	at := indent + labelWidth
	for n, l := range wrap(text, r.width-at) {
		if n == 0 {
			pad(b, indent)
			b.WriteString(label)
		} else {
			pad(b, at)
		}
		b.WriteString(r.paint(style, l))
		b.WriteByte('\n')
	}
}

// plainBlock is a block outside a terminal: the heading's cells
// tab-separated, then the text, then "name<TAB>value" lines.
func (r tableRenderer) plainBlock(b *bytes.Buffer, blk Block) {
	cells := make([]string, 0, len(blk.Heading)+1)
	if blk.Mark.Text != "" {
		cells = append(cells, r.paint(blk.Mark.Style, Sanitize(blk.Mark.Text)))
	}
	for _, c := range blk.Heading {
		cells = append(cells, r.paint(c.Style, Sanitize(c.Text)))
	}
	b.WriteString(strings.Join(cells, "\t"))
	b.WriteByte('\n')
	if blk.Text.Text != "" {
		b.WriteString(r.paint(blk.Text.Style, Sanitize(blk.Text.Text)))
		b.WriteByte('\n')
	}
	for _, f := range blk.Fields {
		if f.Value.Text != "" {
			b.WriteString(r.paint(Muted, Sanitize(f.Name)) + "\t" + r.paint(f.Value.Style, Sanitize(f.Value.Text)) + "\n")
		}
	}
}
