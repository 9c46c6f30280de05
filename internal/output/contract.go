package output

// Section is one block of a human-readable table view. A section is either a
// list of named fields (Fields) or a table (Columns + Rows), optionally titled.
//
// On a terminal a table fits the width by narrowing only the columns named
// in Shrink and Wrap; every other column (ids, times, states) is shown
// whole. When even their narrowest does not fit, the columns named in Drop
// are left out, in that order, and a line under the table names them; when
// that is not enough either, each row is shown as a record of
// "COLUMN:  value" lines instead. Columns are named by header, in any case.
// In a pipe a table is tab-separated and nothing is cut or left out.
type Section struct {
	Title   string
	Fields  []Field
	Columns []string
	Rows    [][]Cell
	// Shrink names the columns of free text (display names, reasons,
	// descriptions) that a terminal may cut, ending them with "…".
	Shrink []string
	// Wrap names the columns of free text that a terminal may narrow by
	// wrapping them onto more lines: nothing of them is lost.
	Wrap []string
	// Drop names the columns a terminal too narrow for the table may leave
	// out, the first named first.
	Drop []string
	// Blocks, when set, show the rows on a terminal one block each (a
	// heading, wrapped text, aligned details) instead of as a table; in a
	// pipe the table (Columns + Rows) is printed when there is one.
	Blocks []Block
}

// Block is one item shown on its own lines: a marker and heading, then
// Text wrapped to the terminal's width, then Fields as aligned
// "name  value" lines, all indented under the heading. Fields with an
// empty value are left out.
type Block struct {
	// Mark stands before the heading (one character, such as a red "✗"
	// on the step that failed); empty for none.
	Mark    Cell
	Heading []Cell
	Text    Cell
	Fields  []Field
}

// Field is one "Name: value" line of a section.
type Field struct {
	Name  string
	Value Cell
}

// Cell is one value in a table or field. Style colours it on a terminal.
type Cell struct {
	Text  string
	Style Style
}

// Style names the colour role of a cell; the renderer maps it to colours.
type Style int

// Styles used by views.
const (
	Plain Style = iota
	Success
	Warning
	Failure
	Pending
	Muted
	Bold
)

// Viewer is implemented by values that know how to show themselves as a table.
type Viewer interface {
	View() []Section
}
