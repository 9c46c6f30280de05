package output

import (
	"regexp"
	"strings"
	"testing"
)

func TestMarkdownCell(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"adele@contoso.test", "adele@contoso.test"},
		{"a | b", `a \| b`},
		{"`x`", "\\`x\\`"},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"&lt;", "&amp;lt;"},
		{"![p](https://e/p.png)", `\!\[p\](https://e/p.png)`},
		{"*a* _b_ ~c~ $d$", `\*a\* \_b\_ \~c\~ \$d\$`},
		{`back\slash`, `back\\slash`},
		{"two\nlines\r\n", `two lines\\r `},
		{"\u202eexe\x1b[2J", `\\u202eexe\\x1b\[2J`},
		{strings.Repeat("x", 300), strings.Repeat("x", summaryCellWidth-1) + "…"},
	} {
		if got := markdownCell(tt.in); got != tt.want {
			t.Errorf("markdownCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// unescapedPipe is a "|" not preceded by a backslash.
var unescapedPipe = regexp.MustCompile(`(^|[^\\])\|`)

// Every ciHostile string stays inside its cell, renders no HTML, link,
// image or code, and the table keeps its shape.
func TestStepSummaryWithHostileStrings(t *testing.T) {
	var outcomes []CIOutcome
	for _, h := range ciHostile {
		outcomes = append(outcomes, CIOutcome{Subject: h, State: "failure", Action: h, Reason: h})
	}
	md := stepSummary(CIReport{Command: "provctl `x` | <b>", Outcomes: outcomes})
	var rows []string
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") {
			rows = append(rows, line)
		}
		if strings.ContainsAny(line, "<>\r") {
			t.Errorf("raw HTML character or CR: %q", line)
		}
		for _, bad := range []string{"](", "`", "##[", "##vso["} {
			if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(line, `\]`, ""), "\\`", ""), bad) {
				t.Errorf("%q unescaped in %q", bad, line)
			}
		}
	}
	if len(rows) != 2+len(ciHostile) {
		t.Fatalf("%d table rows, want %d:\n%s", len(rows), 2+len(ciHostile), md)
	}
	for _, row := range rows {
		// a doubled backslash is a literal one: it escapes nothing
		if n := len(unescapedPipe.FindAllString(strings.ReplaceAll(row, `\\`, ""), -1)); n != 5 {
			t.Errorf("row has %d cell separators, want 5: %q", n, row)
		}
	}
	assertTerminalSafe(t, md, false)
	if !strings.Contains(md, "### provctl \\`x\\` \\| &lt;b&gt;\n") {
		t.Errorf("heading not escaped:\n%s", md)
	}
}

func TestStepSummaryCapsRows(t *testing.T) {
	outcomes := make([]CIOutcome, maxSummaryRows+5)
	for i := range outcomes {
		outcomes[i] = CIOutcome{Subject: "u", State: "success"}
	}
	md := stepSummary(CIReport{Command: "c", Outcomes: outcomes})
	if n := strings.Count(md, "\n| u |"); n != maxSummaryRows {
		t.Errorf("%d rows, want %d", n, maxSummaryRows)
	}
	if !strings.Contains(md, "5 more outcomes not listed") || !strings.Contains(md, "305 success") {
		t.Errorf("no note of the rest, or wrong counts:\n%s", md[:200])
	}
}
