package output

// Section is one block of a human-readable table view. A section is either a
// list of named fields (Fields) or a table (Columns + Rows), optionally titled.
type Section struct {
	Title   string
	Fields  []Field
	Columns []string
	Rows    [][]Cell
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
