package output

import (
	"fmt"
	"strings"
)

const (
	// maxSummaryRows bounds the step summary's table (GitHub refuses a
	// summary over 1 MiB).
	maxSummaryRows = 300
	// summaryCellWidth is where a cell is cut.
	summaryCellWidth = 200
)

// stepSummary is r as Markdown: a heading, the counts per state, and a
// table with a row per outcome (subject, state, action, reason).
func stepSummary(r CIReport) string {
	var b strings.Builder
	b.WriteString("\n### " + markdownCell(r.Command) + "\n\n")
	b.WriteString(markdownCell(stateCounts(r.Outcomes)) + "\n\n")
	b.WriteString("| subject | state | action | reason |\n| --- | --- | --- | --- |\n")
	for i, o := range r.Outcomes {
		if i == maxSummaryRows {
			fmt.Fprintf(&b, "\n%s not listed: see the log.\n", plural(len(r.Outcomes)-i, "more outcome"))
			break
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n",
			markdownCell(subjectOrUnknown(o.Subject)), markdownCell(o.State), markdownCell(o.Action), markdownCell(o.Reason))
	}
	b.WriteString("\n")
	return b.String()
}

// stateCounts is "1 failure, 2 success", worst first.
func stateCounts(outcomes []CIOutcome) string {
	n := map[string]int{}
	for _, o := range outcomes {
		n[o.State]++
	}
	var parts []string
	for _, state := range []string{"failure", "pending", "skipped", "warning", "success"} {
		if n[state] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[state], state))
			delete(n, state)
		}
	}
	for state, c := range n { // states this list does not know, if any
		parts = append(parts, fmt.Sprintf("%d %s", c, state))
	}
	return strings.Join(parts, ", ")
}

// markdownEscaper makes text literal in a GitHub-flavoured Markdown table
// cell: "|" cannot end the cell, "`" open code, "*", "_", "~" emphasis,
// "[", "]", "!" a link or an image (which the browser would load), "$"
// math, "\" an escape; "<", ">" and "&" are entities, so no HTML renders.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`, "~", `\~`,
	"[", `\[`, "]", `\]`, "!", `\!`, "$", `\$`,
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
)

// markdownCell is s as the literal text of one table cell: sanitized as a
// table cell on a terminal is (one line, control and hidden characters
// shown escaped), cut to summaryCellWidth, then escaped for Markdown.
func markdownCell(s string) string {
	return markdownEscaper.Replace(truncate(Sanitize(s), summaryCellWidth))
}
