package cmd

import (
	"context"
	"slices"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// followOutput prints the entries of `provision logs --follow` as each
// poll brings them: with -o jsonl one line per entry, written at once;
// as a table, the rows of each poll, the header only before the first.
type followOutput struct {
	ctx     context.Context
	p       *output.Printer
	stream  *output.ItemStream // -o jsonl
	withApp bool               // no --sp: entries of every app (logsView)
	// widths are, on a terminal, the widest text met so far per column:
	// rows of later polls are padded to them, so that columns stay
	// aligned with the header printed once.
	widths []int
}

func newFollowOutput(ctx context.Context, p *output.Printer, withApp bool) *followOutput {
	o := &followOutput{ctx: ctx, p: p, withApp: withApp}
	if p.Format == output.JSONL {
		o.stream = p.Stream(ctx)
	}
	return o
}

// show prints one poll's new entries.
func (o *followOutput) show(batch []*provision.Outcome) error {
	if o.stream != nil {
		for _, e := range batch {
			if err := o.stream.Write(e); err != nil {
				return err
			}
		}
		return nil
	}
	sections := logsView{list: batch, withApp: o.withApp}.View()
	if o.p.Streams.StdoutTTY && len(sections) > 0 {
		o.align(&sections[0])
	}
	err := o.p.PrintContext(o.ctx, batch, sectionsView(sections))
	o.p.NoHeaders = true // the header was printed (or was not wanted)
	return err
}

// align pads each cell but the last of a row to the widest text its
// column has held, header included (padding is only spaces at the end).
// Columns of free text (Shrink, Wrap) are padded only while the padded
// row fits the terminal: a table that must narrow them would cut the
// padding with "…". A wider text than before still widens its row.
func (o *followOutput) align(sec *output.Section) {
	if len(o.widths) == 0 {
		for _, c := range sec.Columns {
			o.widths = append(o.widths, textWidth(c))
		}
	}
	for _, row := range sec.Rows {
		for j := range row {
			if j >= len(o.widths) {
				o.widths = append(o.widths, 0)
			}
			o.widths[j] = max(o.widths[j], textWidth(row[j].Text))
		}
	}
	free := map[int]bool{}
	for j, c := range sec.Columns {
		free[j] = slices.ContainsFunc(append(slices.Clone(sec.Shrink), sec.Wrap...), func(n string) bool { return strings.EqualFold(n, c) })
	}
	total := 0
	for _, w := range o.widths {
		total += w + len("  ")
	}
	width := o.p.Streams.Width
	if width <= 0 {
		width = followDefaultWidth
	}
	padFree := total-len("  ") <= width
	for _, row := range sec.Rows {
		for j := 0; j < len(row)-1; j++ {
			if free[j] && !padFree {
				continue
			}
			if pad := o.widths[j] - textWidth(row[j].Text); pad > 0 {
				row[j].Text += strings.Repeat(" ", pad)
			}
		}
	}
}

// followDefaultWidth is the terminal width tables assume when it is unknown.
const followDefaultWidth = 120

// textWidth is how many terminal columns s takes once sanitized, as the
// table shows it.
func textWidth(s string) int { return uniseg.StringWidth(output.Sanitize(s)) }

// sectionsView shows sections already made.
type sectionsView []output.Section

func (v sectionsView) View() []output.Section { return v }
