package output

import (
	"errors"
	"strings"
	"testing"
)

// stepsLike is a Steps section: a table for pipes, blocks for terminals.
func stepsLike() viewFunc {
	return viewFunc{{
		Title:   "Steps",
		Columns: []string{"#", "Type", "Status", "Description"},
		Rows: [][]Cell{
			{{Text: "1"}, {Text: "import"}, {Text: "success", Style: Success}, {Text: "Retrieved User 'adele@contoso.test' from Azure Active Directory"}},
			{{Text: "2"}, {Text: "export"}, {Text: "failure", Style: Failure}, {Text: "Failed to create User 'adele@contoso.test' in Salesforce Sandbox"}},
		},
		Blocks: []Block{
			{
				Heading: []Cell{{Text: "1", Style: Bold}, {Text: "import"}, {Text: "success", Style: Success}, {Text: "EntryImport", Style: Muted}},
				Text:    Cell{Text: "Retrieved User 'adele@contoso.test' from Azure Active Directory"},
				Fields:  []Field{{Name: "objectId", Value: Cell{Text: "c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13"}}, {Name: "empty", Value: Cell{}}},
			},
			{
				Mark:    Cell{Text: "✗", Style: Failure},
				Heading: []Cell{{Text: "2", Style: Bold}, {Text: "export"}, {Text: "failure", Style: Failure}, {Text: "EntryExportAdd", Style: Muted}},
				Text:    Cell{Text: "Failed to create User 'adele@contoso.test' in Salesforce Sandbox", Style: Failure},
				Fields: []Field{
					{Name: "ErrorCode", Value: Cell{Text: "SalesforceInvalidCredentials"}},
					{Name: "ErrorMessage", Value: Cell{Text: "Your Salesforce.com credentials are invalid. Please obtain a current token\x1b[2J"}},
				},
			},
		},
	}}
}

func TestBlocksOnTerminal(t *testing.T) {
	got := renderView(t, true, false, 52, stepsLike())
	want := "" +
		"Steps\n" +
		"  1  import  success  EntryImport\n" +
		"     Retrieved User 'adele@contoso.test' from Azure\n" +
		"     Active Directory\n" +
		"     objectId  c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13\n" +
		"\n" +
		"✗ 2  export  failure  EntryExportAdd\n" +
		"     Failed to create User 'adele@contoso.test' in\n" +
		"     Salesforce Sandbox\n" +
		"     ErrorCode     SalesforceInvalidCredentials\n" +
		"     ErrorMessage  Your Salesforce.com credentials\n" +
		"                   are invalid. Please obtain a\n" +
		"                   current token\\x1b[2J\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	assertFits(t, got, 52)

	colored := renderView(t, true, true, 52, stepsLike())
	assertTerminalSafe(t, colored, true)
	for _, want := range []string{"\x1b[31m✗\x1b[0m", "\x1b[31mfailure\x1b[0m", "\x1b[31mSalesforce Sandbox\x1b[0m", "\x1b[90mErrorCode\x1b[0m"} {
		if !strings.Contains(colored, want) {
			t.Errorf("colored blocks lack %q:\n%q", want, colored)
		}
	}
	if sgr.ReplaceAllString(colored, "") != got {
		t.Errorf("color changed the layout:\n%s", sgr.ReplaceAllString(colored, ""))
	}
}

func TestBlocksInPipe(t *testing.T) {
	// With a table to fall back on, a pipe gets the table, whole.
	got := renderView(t, false, false, 0, stepsLike())
	want := "Steps\n#\tType\tStatus\tDescription\n" +
		"1\timport\tsuccess\tRetrieved User 'adele@contoso.test' from Azure Active Directory\n" +
		"2\texport\tfailure\tFailed to create User 'adele@contoso.test' in Salesforce Sandbox\n"
	if got != want {
		t.Errorf("pipe: got\n%q\nwant\n%q", got, want)
	}
	// Blocks alone: plain lines, nothing wrapped.
	v := stepsLike()
	v[0].Columns, v[0].Rows = nil, nil
	got = renderView(t, false, false, 0, v)
	if !strings.Contains(got, "✗\t2\texport\tfailure\tEntryExportAdd\nFailed to create User 'adele@contoso.test' in Salesforce Sandbox\nErrorCode\tSalesforceInvalidCredentials\n") || strings.Contains(got, "empty") {
		t.Errorf("pipe blocks:\n%s", got)
	}
	assertNoEscape(t, got)
}

func TestJQWithTable(t *testing.T) {
	s, _, _ := Test()
	_, err := NewPrinter(s, Table, ".id")
	var jqt *JQTableError
	if !errors.As(err, &jqt) || !strings.Contains(err.Error(), "use -o json or -o jsonl") {
		t.Fatalf("--jq with -o table: %v", err)
	}
	jqt.Source = "PROVCTL_OUTPUT"
	if !strings.Contains(err.Error(), "-o table (set by PROVCTL_OUTPUT)") {
		t.Errorf("the message does not say where table came from: %v", err)
	}
	// Without -o, --jq filters the JSON form, as it always did.
	p, err := NewPrinter(s, "", ".id")
	if err != nil || p.Format != Table {
		t.Fatalf("--jq without -o: %v, %v", p, err)
	}
}
