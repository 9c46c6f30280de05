package output

import (
	"strings"
	"testing"
)

// spLike is a table like `sp list --with-jobs`: two ids that are never
// cut, a display name that may shrink, and a job count; names hold wide,
// combined and decomposed characters.
func spLike() viewFunc {
	return viewFunc{{
		Columns: []string{"ID", "APP ID", "NAME", "JOBS"},
		Rows: [][]Cell{
			{{Text: "8783a342-f7a2-46fb-8243-3658cee556ce"}, {Text: "a7c1e3f5-2b4d-4c6e-8f0a-1b3d5e7f9a2c", Style: Muted}, {Text: "Box 📦 provisioning app", Style: Bold}, {Text: "1"}},
			{{Text: "2c6f4a1e-8d3b-4e7a-9f15-b0c2d4e6f801"}, {Text: "d4f6a8c0-1e3b-4d5f-9a7c-2e4f6a8c0b1d", Style: Muted}, {Text: "販売管理システム（本番環境）", Style: Bold}, {Text: "2"}},
			{{Text: "5d1e9b3c-7a2f-4c8d-b6e0-1f3a5c7e9b20"}, {Text: "f2b4d6e8-0a1c-4e3f-8b5d-7f9a1c3e5b7d", Style: Muted}, {Text: "Zoe\u0308 🇯🇵 team workspace 👩\u200d💻", Style: Bold}, {Text: "10"}},
		},
		Shrink: []string{"name"},
		Drop:   []string{"JOBS", "NAME"},
	}}
}

var spIDs = []string{
	"8783a342-f7a2-46fb-8243-3658cee556ce", "a7c1e3f5-2b4d-4c6e-8f0a-1b3d5e7f9a2c",
	"2c6f4a1e-8d3b-4e7a-9f15-b0c2d4e6f801", "d4f6a8c0-1e3b-4d5f-9a7c-2e4f6a8c0b1d",
	"5d1e9b3c-7a2f-4c8d-b6e0-1f3a5c7e9b20", "f2b4d6e8-0a1c-4e3f-8b5d-7f9a1c3e5b7d",
}

func TestTableFitsWidth(t *testing.T) {
	t.Run("120: everything fits", func(t *testing.T) {
		got := renderView(t, true, false, 120, spLike())
		// The zero-width joiner is shown escaped (docs/output.md, Terminal
		// safety), and the escape is measured like any text.
		want := "" +
			"ID                                    APP ID                                NAME                              JOBS\n" +
			"8783a342-f7a2-46fb-8243-3658cee556ce  a7c1e3f5-2b4d-4c6e-8f0a-1b3d5e7f9a2c  Box 📦 provisioning app           1\n" +
			"2c6f4a1e-8d3b-4e7a-9f15-b0c2d4e6f801  d4f6a8c0-1e3b-4d5f-9a7c-2e4f6a8c0b1d  販売管理システム（本番環境）      2\n" +
			"5d1e9b3c-7a2f-4c8d-b6e0-1f3a5c7e9b20  f2b4d6e8-0a1c-4e3f-8b5d-7f9a1c3e5b7d  Zoe\u0308 🇯🇵 team workspace 👩\\u200d💻  10\n"
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
		assertFits(t, got, 120)
	})
	t.Run("120: a long name is cut, ids are not", func(t *testing.T) {
		v := spLike()
		v[0].Rows[0][2].Text = "Contoso Human Resources Provisioning Connector (Production) 🏢"
		got := renderView(t, true, false, 120, v)
		if !strings.Contains(got, "  Contoso Human Resources Provisioning…   1\n") {
			t.Errorf("name not cut to fit:\n%s", got)
		}
		assertFits(t, got, 120)
		assertWhole(t, got, spIDs)
	})
	t.Run("100: names cut at a character", func(t *testing.T) {
		got := renderView(t, true, false, 100, spLike())
		for _, want := range []string{"Box 📦 provisioni…  1", "販売管理システム…   2", "Zoe\u0308 🇯🇵 team works…  10"} {
			if !strings.Contains(got, want) {
				t.Errorf("no %q in\n%s", want, got)
			}
		}
		assertFits(t, got, 100)
		assertWhole(t, got, spIDs)
	})
	t.Run("80: columns dropped, footnote", func(t *testing.T) {
		got := renderView(t, true, false, 80, spLike())
		want := "" +
			"ID                                    APP ID\n" +
			"8783a342-f7a2-46fb-8243-3658cee556ce  a7c1e3f5-2b4d-4c6e-8f0a-1b3d5e7f9a2c\n" +
			"2c6f4a1e-8d3b-4e7a-9f15-b0c2d4e6f801  d4f6a8c0-1e3b-4d5f-9a7c-2e4f6a8c0b1d\n" +
			"5d1e9b3c-7a2f-4c8d-b6e0-1f3a5c7e9b20  f2b4d6e8-0a1c-4e3f-8b5d-7f9a1c3e5b7d\n" +
			"NAME, JOBS hidden: the terminal is too narrow; widen it or use -o json\n"
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("pipe: whole and tab-separated", func(t *testing.T) {
		got := renderView(t, false, false, 80, spLike())
		if !strings.HasPrefix(got, "ID\tAPP ID\tNAME\tJOBS\n") || !strings.Contains(got, "\t販売管理システム（本番環境）\t2\n") || strings.Contains(got, "hidden") {
			t.Errorf("pipe table:\n%s", got)
		}
	})
}

func TestTableNoHeaders(t *testing.T) {
	render := func(tty bool, width int) string {
		s, out, _ := Test()
		s.StdoutTTY, s.Width = tty, width
		p, err := NewPrinter(s, Table, "")
		if err != nil {
			t.Fatal(err)
		}
		p.NoHeaders = true
		if err := p.Print(nil, spLike()); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if got := render(false, 0); strings.Contains(got, "APP ID") || !strings.HasPrefix(got, "8783a342-f7a2-46fb-8243-3658cee556ce\ta7c1e3f5") {
		t.Errorf("pipe with --no-headers:\n%s", got)
	}
	got := render(true, 120)
	if strings.Contains(got, "APP ID") || !strings.HasPrefix(got, "8783a342-f7a2-46fb-8243-3658cee556ce  a7c1e3f5") {
		t.Errorf("terminal with --no-headers:\n%s", got)
	}
	assertWhole(t, got, spIDs)
	// Without a header to make room for, JOBS is as wide as its widest cell.
	if !strings.HasSuffix(strings.Split(got, "\n")[0], "  1") {
		t.Errorf("terminal with --no-headers: first row %q", strings.Split(got, "\n")[0])
	}
}

func TestTableColors(t *testing.T) {
	colored := renderView(t, true, true, 80, spLike())
	for _, want := range []string{
		"\x1b[1mID\x1b[22m", // header
		"\x1b[90ma7c1e3f5-2b4d-4c6e-8f0a-1b3d5e7f9a2c\x1b[0m", // muted cell, whole
		"\x1b[90mNAME, JOBS hidden:",                          // footnote
	} {
		if !strings.Contains(colored, want) {
			t.Errorf("colored table lacks %q:\n%q", want, colored)
		}
	}
	assertTerminalSafe(t, colored, true)
	plain := renderView(t, true, false, 80, spLike())
	assertNoEscape(t, plain)
	if sgr.ReplaceAllString(colored, "") != plain {
		t.Errorf("color changed the layout:\n%s\nvs\n%s", sgr.ReplaceAllString(colored, ""), plain)
	}
}

func TestTableRecords(t *testing.T) {
	job := "BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6"
	v := viewFunc{{
		Columns: []string{"ID", "Template", "Status", "Schedule", "Last run"},
		Rows: [][]Cell{
			{{Text: job}, {Text: "BoxOutDelta"}, {Text: "Active", Style: Success}, {Text: "every 40 min"}, {Text: "2026-11-30T19:00:00Z"}},
			{{Text: "API2AAD.6a2de5866d0e4e39a06f39c6893e0873"}, {Text: "API2AAD"}, {Text: "NotRun"}, {Text: ""}, {Text: "never ran"}},
		},
		Shrink: []string{"Schedule"},
		Drop:   []string{"Template"},
	}}
	got := renderView(t, true, false, 80, v)
	want := "" +
		"ID:        " + job + "\n" +
		"TEMPLATE:  BoxOutDelta\n" +
		"STATUS:    Active\n" +
		"SCHEDULE:  every 40 min\n" +
		"LAST RUN:  2026-11-30T19:00:00Z\n" +
		"\n" +
		"ID:        API2AAD.6a2de5866d0e4e39a06f39c6893e0873\n" +
		"TEMPLATE:  API2AAD\n" +
		"STATUS:    NotRun\n" +
		"LAST RUN:  never ran\n"
	if got != want {
		t.Errorf("an id wider than the terminal: got\n%s\nwant\n%s", got, want)
	}
	// Wide enough once the template goes: a table, and a footnote.
	got = renderView(t, true, false, 130, v)
	if !strings.HasPrefix(got, "ID  ") || !strings.Contains(got, job+"  Active") || !strings.HasSuffix(got, "TEMPLATE hidden: the terminal is too narrow; widen it or use -o json\n") {
		t.Errorf("at 130:\n%s", got)
	}
	assertFits(t, got, 130)
}

func TestTableWrapColumn(t *testing.T) {
	reason := "SalesforceInvalidCredentials: Your Salesforce.com credentials are invalid. Please obtain a current administrative user name, password and security token"
	v := viewFunc{{
		Title:   "Failures",
		Columns: []string{"Subject", "Reason"},
		Rows:    [][]Cell{{{Text: "adele@contoso.test"}, {Text: reason, Style: Failure}}, {{Text: "bob@contoso.test"}, {Text: "short"}}},
		Wrap:    []string{"reason"},
	}}
	got := renderView(t, true, false, 60, v)
	want := "" +
		"Failures\n" +
		"SUBJECT             REASON\n" +
		"adele@contoso.test  SalesforceInvalidCredentials: Your\n" +
		"                    Salesforce.com credentials are invalid.\n" +
		"                    Please obtain a current administrative\n" +
		"                    user name, password and security token\n" +
		"bob@contoso.test    short\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	colored := renderView(t, true, true, 60, v)
	if strings.Count(colored, "\x1b[31m") != 4 {
		t.Errorf("each line of a wrapped cell keeps its color:\n%q", colored)
	}
}

func TestFieldsWrapAtSpaces(t *testing.T) {
	v := viewFunc{{Fields: []Field{
		{Name: "Reason", Value: Cell{Text: "RedundantExport: The state of the user in both the source and target systems already match."}},
		{Name: "Job", Value: Cell{Text: "BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6"}},
		{Name: "Empty", Value: Cell{}},
	}}}
	got := renderView(t, true, false, 50, v)
	want := "" +
		"Reason:  RedundantExport: The state of the user in\n" +
		"         both the source and target systems\n" +
		"         already match.\n" +
		"Job:     BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6\n" +
		"Empty:\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// assertFits fails when a line of out (colors removed) is wider than width.
func assertFits(t *testing.T, out string, width int) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(sgr.ReplaceAllString(out, ""), "\n"), "\n") {
		if w := displayWidth(line); w > width {
			t.Errorf("line %q is %d wide, want <= %d", line, w, width)
		}
	}
}

// assertWhole fails unless each value appears whole in out.
func assertWhole(t *testing.T, out string, values []string) {
	t.Helper()
	for _, v := range values {
		if !strings.Contains(out, v) {
			t.Errorf("%q is not whole in\n%s", v, out)
		}
	}
}
