package output

import (
	"fmt"
	"strings"
	"testing"
)

// sampleView is a job outcome with a field section and a table section.
type sampleView struct{}

func (sampleView) View() []Section {
	return []Section{
		{
			Title: "Job",
			Fields: []Field{
				{Name: "State", Value: Cell{Text: "success", Style: Success}},
				{Name: "Service principal", Value: Cell{Text: "Box"}},
			},
		},
		{
			Title:   "Steps",
			Columns: []string{"Step", "Status", "Description"},
			Rows: [][]Cell{
				{{Text: "1"}, {Text: "success", Style: Success}, {Text: "Imported adele"}},
				{{Text: "2"}, {Text: "failure", Style: Failure}, {Text: "Export failed"}},
			},
		},
	}
}

// viewFunc adapts a section list to Viewer.
type viewFunc []Section

func (v viewFunc) View() []Section { return v }

func renderView(t *testing.T, tty, color bool, width int, v Viewer) string {
	t.Helper()
	s, out, _ := Test()
	s.StdoutTTY, s.Color, s.Width = tty, color, width
	p, err := NewPrinter(s, Table, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Print(nil, v); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestTable(t *testing.T) {
	tests := []struct {
		name  string
		tty   bool
		color bool
		want  string
	}{
		{
			name: "terminal without color",
			tty:  true,
			want: "Job\n" +
				"State:              success\n" +
				"Service principal:  Box\n" +
				"\n" +
				"Steps\n" +
				"STEP  STATUS   DESCRIPTION\n" +
				"1     success  Imported adele\n" +
				"2     failure  Export failed\n",
		},
		{
			name:  "terminal with color",
			tty:   true,
			color: true,
			want: "\x1b[1mJob\x1b[22m\n" +
				"\x1b[90mState:\x1b[0m              \x1b[32msuccess\x1b[0m\n" +
				"\x1b[90mService principal:\x1b[0m  Box\n" +
				"\n" +
				"\x1b[1mSteps\x1b[22m\n" +
				"\x1b[1mSTEP\x1b[22m  \x1b[1mSTATUS\x1b[22m   \x1b[1mDESCRIPTION\x1b[22m\n" +
				"1     \x1b[32msuccess\x1b[0m  Imported adele\n" +
				"2     \x1b[31mfailure\x1b[0m  Export failed\n",
		},
		{
			name: "pipe",
			want: "Job\n" +
				"State\tsuccess\n" +
				"Service principal\tBox\n" +
				"\n" +
				"Steps\n" +
				"Step\tStatus\tDescription\n" +
				"1\tsuccess\tImported adele\n" +
				"2\tfailure\tExport failed\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderView(t, tt.tty, tt.color, 80, sampleView{})
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
			if !tt.color {
				assertNoEscape(t, got)
			}
		})
	}
}

func TestTableColorForcedInPipe(t *testing.T) {
	got := renderView(t, false, true, 0, sampleView{})
	if !strings.Contains(got, "1\t\x1b[32msuccess\x1b[0m\tImported adele\n") {
		t.Errorf("CLICOLOR_FORCE-style color missing in pipe layout: %q", got)
	}
}

func TestTableTruncatesToWidth(t *testing.T) {
	id := "8783a342-f7a2-46fb-8243-3658cee556ce"
	v := viewFunc{{
		Columns: []string{"Name", "ID"},
		Rows:    [][]Cell{{{Text: "Box"}, {Text: id}}, {{Text: "Salesforce Sandbox"}, {Text: "2c6f"}}},
		Shrink:  []string{"name"},
	}}
	tests := []struct {
		name  string
		tty   bool
		width int
		want  string
	}{
		{"fits", true, 80, "NAME                ID\nBox                 " + id + "\nSalesforce Sandbox  2c6f\n"},
		{"free text cut, id whole", true, 50, "NAME          ID\nBox           " + id + "\nSalesforce…   2c6f\n"},
		{"records when the id alone does not fit", true, 40, "NAME:  Box\nID:    " + id + "\n\nNAME:  Salesforce Sandbox\nID:    2c6f\n"},
		{"pipe never cut", false, 20, "Name\tID\nBox\t" + id + "\nSalesforce Sandbox\t2c6f\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderView(t, tt.tty, false, tt.width, v)
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestTableDefaultWidth(t *testing.T) {
	long := strings.Repeat("x", 300)
	got := renderView(t, true, false, 0, viewFunc{{Columns: []string{"A"}, Rows: [][]Cell{{{Text: long}}}, Shrink: []string{"A"}}})
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if w := displayWidth(lines[1]); w != defaultWidth {
		t.Errorf("row is %d wide with unknown width, want %d", w, defaultWidth)
	}
}

func TestTableWideRunes(t *testing.T) {
	v := viewFunc{{
		Columns: []string{"Name", "Note"},
		Rows: [][]Cell{
			{{Text: "日本語"}, {Text: "x"}},
			{{Text: "abc"}, {Text: "y"}},
		},
	}}
	got := renderView(t, true, false, 80, v)
	want := "NAME    NOTE\n日本語  x\nabc     y\n"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestTableRaggedRows(t *testing.T) {
	v := viewFunc{{
		Columns: []string{"A", "B"},
		Rows:    [][]Cell{{{Text: "1"}}, {{Text: "1"}, {Text: "2"}, {Text: "3"}}},
	}}
	if got, want := renderView(t, false, false, 0, v), "A\tB\t\n1\t\t\n1\t2\t3\n"; got != want {
		t.Errorf("pipe: got %q, want %q", got, want)
	}
	if got, want := renderView(t, true, false, 80, v), "A  B\n1\n1  2  3\n"; got != want {
		t.Errorf("terminal: got %q, want %q", got, want)
	}
}

func TestTableEmpty(t *testing.T) {
	if got := renderView(t, true, false, 80, viewFunc{}); got != "" {
		t.Errorf("no sections: got %q", got)
	}
	got := renderView(t, true, false, 80, viewFunc{{Title: "Jobs", Columns: []string{"ID"}}})
	if got != "Jobs\nID\n" {
		t.Errorf("no rows: got %q", got)
	}
}

// hostile strings as Graph could return them.
var hostile = []string{
	"\x1b[2J",              // clear screen
	"\x1b]0;owned\x07",     // set window title
	"ok\rFAILED",           // carriage return overwrite
	"abc\u202edcb.exe",     // right-to-left override
	"\u2066isolated\u2069", // isolate
	"\u009b31mred",         // C1 CSI
	"back\bspace\x7f",      // BS and DEL
	"multi\nline\ttab",     // layout characters
	"bad\xffutf8",          // invalid UTF-8
	"sep\u2028arator",      // line separator
}

func TestTableSanitizesEverything(t *testing.T) {
	var rows [][]Cell
	var fields []Field
	for _, h := range hostile {
		rows = append(rows, []Cell{{Text: h}, {Text: h, Style: Failure}})
		fields = append(fields, Field{Name: h, Value: Cell{Text: h}})
	}
	v := viewFunc{
		{Title: hostile[0] + hostile[1], Fields: fields},
		{Title: hostile[3], Columns: []string{hostile[2], hostile[7]}, Rows: rows},
	}
	for _, tty := range []bool{true, false} {
		for _, color := range []bool{true, false} {
			t.Run(fmt.Sprintf("tty=%v,color=%v", tty, color), func(t *testing.T) {
				got := renderView(t, tty, color, 60, v)
				assertTerminalSafe(t, got, color)
				if !color {
					assertNoEscape(t, got)
				}
				if !tty {
					// Cell tabs are gone: a field or row line has exactly
					// the one tab between its two cells.
					withTab := 0
					for _, line := range strings.Split(got, "\n") {
						switch strings.Count(line, "\t") {
						case 0:
						case 1:
							withTab++
						default:
							t.Errorf("line %q has more than one tab", line)
						}
					}
					if want := len(fields) + 1 + len(rows); withTab != want {
						t.Errorf("%d lines with a tab, want %d", withTab, want)
					}
				}
			})
		}
	}
}

func TestPlainTableColumnsSurviveHostileCells(t *testing.T) {
	v := viewFunc{{
		Columns: []string{"A\tB", "C"},
		Rows:    [][]Cell{{{Text: "x\ty\nz"}, {Text: "w"}}},
	}}
	got := renderView(t, false, false, 0, v)
	if want := "A B\tC\nx y z\tw\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFitWidths(t *testing.T) {
	tests := []struct {
		name    string
		widths  []int
		minimum []int
		total   int
		want    []int
	}{
		{"fits", []int{4, 10}, []int{4, 6}, 20, []int{4, 10}},
		{"cut widest", []int{4, 30}, []int{4, 6}, 20, []int{4, 14}},
		{"widest down to second, then both", []int{20, 30}, []int{6, 6}, 32, []int{15, 15}},
		{"never below minimum", []int{4, 30}, []int{4, 6}, 5, []int{4, 6}},
		{"fixed columns keep their width", []int{36, 30}, []int{36, 6}, 50, []int{36, 12}},
		{"narrow column kept", []int{3, 40, 3}, []int{3, 6, 3}, 30, []int{3, 20, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fitWidths(append([]int(nil), tt.widths...), tt.minimum, tt.total)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("fitWidths(%v, %v, %d) = %v, want %v", tt.widths, tt.minimum, tt.total, got, tt.want)
			}
		})
	}
}

func BenchmarkTable(b *testing.B) {
	rows := make([][]Cell, 1000)
	for i := range rows {
		rows[i] = []Cell{
			{Text: fmt.Sprintf("BoxOutDelta.%032x", i)},
			{Text: "adele@contoso.test"},
			{Text: "success", Style: Success},
			{Text: "2026-01-02T03:04:05Z"},
			{Text: "User 'adele@contoso.test' was created in Box with a fairly long description ü"},
		}
	}
	v := viewFunc{{Title: "Jobs", Columns: []string{"ID", "Subject", "Status", "Time", "Description"}, Rows: rows, Shrink: []string{"Description"}}}
	for _, bc := range []struct {
		name       string
		tty, color bool
	}{{"terminal", true, true}, {"pipe", false, false}} {
		b.Run(bc.name, func(b *testing.B) {
			s, out, _ := Test()
			s.StdoutTTY, s.Color, s.Width = bc.tty, bc.color, 120
			p, err := NewPrinter(s, Table, "")
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				out.Reset()
				if err := p.Print(nil, v); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(out.Len()))
		})
	}
}

// bulkSummary is the view a bulk run prints at the end of a table: counts
// per state as fields, then the subjects that did not succeed.
func bulkSummary() viewFunc {
	return viewFunc{
		{
			Title: "Summary",
			Fields: []Field{
				{Name: "Subjects", Value: Cell{Text: "5"}},
				{Name: "Success", Value: Cell{Text: "2", Style: Success}},
				{Name: "Skipped", Value: Cell{Text: "1", Style: Muted}},
				{Name: "Failure", Value: Cell{Text: "1", Style: Failure}},
				{Name: "Pending", Value: Cell{Text: "1", Style: Pending}},
			},
		},
		{
			Title:   "Not provisioned",
			Columns: []string{"Subject", "State", "Reason"},
			Shrink:  []string{"Reason"},
			Rows: [][]Cell{
				{{Text: "bob@contoso.test"}, {Text: "failure", Style: Failure}, {Text: "DuplicateTargetEntries: two users in Box have the email bob@contoso.test \x1b[2J"}},
				{{Text: "carol@contoso.test"}, {Text: "skipped", Style: Muted}, {Text: "NotEffectivelyEntitled"}},
				{{Text: "dave@contoso.test"}, {Text: "pending", Style: Pending}, {Text: ""}},
			},
		},
	}
}

func TestBulkSummaryView(t *testing.T) {
	terminal := "Summary\n" +
		"Subjects:  5\n" +
		"Success:   2\n" +
		"Skipped:   1\n" +
		"Failure:   1\n" +
		"Pending:   1\n" +
		"\n" +
		"Not provisioned\n" +
		"SUBJECT             STATE    REASON\n" +
		"bob@contoso.test    failure  DuplicateTargetEntries: two users in Box have the…\n" +
		"carol@contoso.test  skipped  NotEffectivelyEntitled\n" +
		"dave@contoso.test   pending\n"
	if got := renderView(t, true, false, 80, bulkSummary()); got != terminal {
		t.Errorf("terminal:\n%s\nwant\n%s", got, terminal)
	}
	pipe := "Summary\n" +
		"Subjects\t5\n" +
		"Success\t2\n" +
		"Skipped\t1\n" +
		"Failure\t1\n" +
		"Pending\t1\n" +
		"\n" +
		"Not provisioned\n" +
		"Subject\tState\tReason\n" +
		"bob@contoso.test\tfailure\tDuplicateTargetEntries: two users in Box have the email bob@contoso.test \\x1b[2J\n" +
		"carol@contoso.test\tskipped\tNotEffectivelyEntitled\n" +
		"dave@contoso.test\tpending\t\n"
	if got := renderView(t, false, false, 0, bulkSummary()); got != pipe {
		t.Errorf("pipe:\n%s\nwant\n%s", got, pipe)
	}
	colored := renderView(t, true, true, 80, bulkSummary())
	assertTerminalSafe(t, colored, true)
	for _, want := range []string{"\x1b[32m2\x1b[0m", "\x1b[31mfailure\x1b[0m", "\x1b[36mpending\x1b[0m"} {
		if !strings.Contains(colored, want) {
			t.Errorf("colored summary lacks %q:\n%s", want, colored)
		}
	}
}
