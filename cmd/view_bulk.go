package cmd

import (
	"fmt"
	"strings"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// bulkView is the table of a run over a list of users: one row per user,
// then the summary: counts per state, then every failure with its reason.
type bulkView struct {
	res     *provision.BulkResult
	results string // --results, named when the run can be resumed
	// withSummary ends the table with the summary: on a terminal; a pipe
	// gets the rows alone (the summary goes to stderr).
	withSummary bool
}

// bulkSummaryView is the summary alone, for stderr.
type bulkSummaryView struct {
	res     *provision.BulkResult
	results string
}

func (v bulkSummaryView) View() []output.Section { return bulkSummary(v.res, v.results) }

// printBulkSummaryTable writes the summary sections to stderr, laid out
// for stderr's terminal: a table in a pipe keeps stdout to one row per user.
func printBulkSummaryTable(streams *output.Streams, res *provision.BulkResult, results string) error {
	s := *streams
	s.Out, s.StdoutTTY, s.Color, s.Width = s.ErrOut, s.StderrTTY, s.ErrColor, s.ErrWidth
	p, err := output.NewPrinter(&s, output.Table, "")
	if err != nil {
		return err
	}
	return p.Print(nil, bulkSummaryView{res: res, results: results})
}

func (v bulkView) View() []output.Section {
	// The change id is what `poll --change-id` takes for a pending row.
	rows := output.Section{Columns: []string{"SUBJECT", "STATE", "ACTION", "REASON", "CHANGE ID"}, Shrink: []string{"REASON"}, Drop: []string{"ACTION", "CHANGE ID"}}
	for _, o := range v.res.Outcomes {
		rows.Rows = append(rows.Rows, []output.Cell{
			{Text: bulkSubjectName(o)}, stateCell(string(o.State)), {Text: o.Action.String()}, {Text: reasonText(o.Reason)}, {Text: o.ChangeID.String(), Style: output.Muted},
		})
	}
	sections := []output.Section{}
	if len(rows.Rows) > 0 {
		sections = append(sections, rows)
	}
	if v.withSummary {
		sections = append(sections, bulkSummary(v.res, v.results)...)
	}
	return sections
}

// bulkSummary is the end of every bulk run: what happened, in counts,
// then each failure and why.
func bulkSummary(res *provision.BulkResult, results string) []output.Section {
	t := res.Tally
	sum := output.Section{Title: "Summary"}
	field := func(name string, n int, style output.Style) {
		if n > 0 {
			sum.Fields = append(sum.Fields, output.Field{Name: name, Value: output.Cell{Text: fmt.Sprint(n), Style: style}})
		}
	}
	sum.Fields = append(sum.Fields, output.Field{Name: "Done", Value: output.Cell{Text: fmt.Sprintf("%d of %d", t.Done, t.Total+t.NotSent)}})
	field("Success", t.Success, output.Success)
	field("Warning", t.Warning, output.Warning)
	field("Skipped", t.Skipped, output.Plain)
	field("Failed", t.Failed, output.Failure)
	field("Pending", t.Pending, output.Pending)
	field("Not sent", t.NotSent, output.Pending)
	field("Already done (--resume)", t.Resumed, output.Muted)
	field("Not in the directory", t.Unknown, output.Warning)
	if res.Stopped != "" {
		sum.Fields = append(sum.Fields, output.Field{Name: "Stopped", Value: output.Cell{Text: res.Stopped, Style: output.Failure}})
	}
	if t.NotSent > 0 || t.Pending > 0 {
		if hint := strings.TrimPrefix(resumeHint(results), "; "); hint != "" {
			if t.Pending > 0 {
				hint += " (pending users' log entries are read, not sent again; --resend-pending sends them)"
			}
			sum.Fields = append(sum.Fields, output.Field{Name: "Next", Value: output.Cell{Text: hint}})
		}
	}
	sections := []output.Section{sum}
	fails := output.Section{Title: "Failures", Columns: []string{"SUBJECT", "REASON"}, Wrap: []string{"REASON"}}
	for _, o := range res.Outcomes {
		if o.State == provision.StateFailure {
			fails.Rows = append(fails.Rows, []output.Cell{{Text: bulkSubjectName(o)}, {Text: reasonText(o.Reason)}})
		}
	}
	for _, k := range res.Kept {
		fails.Rows = append(fails.Rows, []output.Cell{{Text: fmt.Sprintf("line %d of %s", k.Line, results)}, {Text: "recorded failed; not sent again (--retry-failed=false)"}})
	}
	if len(fails.Rows) > 0 {
		sections = append(sections, fails)
	}
	if len(res.Unknown) > 0 {
		unknown := output.Section{Title: "Not in the directory (not sent)", Columns: []string{"USER", "FROM"}}
		for _, u := range res.Unknown {
			unknown.Rows = append(unknown.Rows, []output.Cell{{Text: u.Ref}, {Text: u.Origin}})
		}
		sections = append(sections, unknown)
	}
	return sections
}

// bulkSubjectName names an outcome's user as it was given.
func bulkSubjectName(o *provision.Outcome) string {
	if o.Request != nil && o.Request.Ref != "" {
		return o.Request.Ref
	}
	if o.Subject != nil {
		return subjectText(o.Subject, false)
	}
	return ""
}

// printBulkSummary writes the summary to stderr when stdout carries JSON:
// people still see what happened, scripts get only data.
func printBulkSummary(streams *output.Streams, res *provision.BulkResult, results string) {
	t := res.Tally
	parts := []string{fmt.Sprintf("%d of %d done", t.Done, t.Total+t.NotSent)}
	add := func(name string, n int) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, name))
		}
	}
	add("success", t.Success)
	add("warning", t.Warning)
	add("skipped", t.Skipped)
	add("failed", t.Failed)
	add("pending", t.Pending)
	add("not sent", t.NotSent)
	add("already done (--resume)", t.Resumed)
	add("not in the directory", t.Unknown)
	msg := strings.Join(parts, ", ")
	if res.Stopped != "" {
		msg += "; stopped: " + res.Stopped
	}
	if t.NotSent > 0 || t.Pending > 0 {
		msg += resumeHint(results)
	}
	fmt.Fprintln(streams.ErrOut, output.Sanitize(msg))
}

// planView is the table of --dry-run: what would be sent, what skipped.
type planView struct{ p *provision.Plan }

func (v planView) View() []output.Section {
	p := v.p
	head := output.Section{Title: "Dry run: nothing was sent", Fields: []output.Field{
		{Name: "Service principal", Value: output.Cell{Text: p.ServicePrincipal + " (" + p.ServicePrincipalID + ")"}},
		{Name: "Job", Value: output.Cell{Text: p.JobID}},
		{Name: "Would send", Value: output.Cell{Text: fmt.Sprint(p.Counts.Send), Style: output.Success}},
	}}
	if p.Counts.NotAssigned > 0 {
		head.Fields = append(head.Fields, output.Field{Name: "Not assigned", Value: output.Cell{Text: fmt.Sprint(p.Counts.NotAssigned), Style: output.Warning}})
	}
	if p.Counts.Resumed > 0 {
		head.Fields = append(head.Fields, output.Field{Name: "Already done (--resume)", Value: output.Cell{Text: fmt.Sprint(p.Counts.Resumed)}})
	}
	if p.Counts.Unknown > 0 {
		head.Fields = append(head.Fields, output.Field{Name: "Not in the directory", Value: output.Cell{Text: fmt.Sprint(p.Counts.Unknown), Style: output.Warning}})
	}
	rows := output.Section{Columns: []string{"SUBJECT", "ID", "RULE", "ACTION", "REASON"}, Wrap: []string{"REASON"}, Drop: []string{"RULE"}}
	for _, it := range p.Items {
		action := output.Cell{Text: it.Action, Style: output.Success}
		if it.Action != "send" {
			action.Style = output.Warning
		}
		rows.Rows = append(rows.Rows, []output.Cell{{Text: it.Request.Ref}, {Text: it.Subject.ID.String()}, {Text: it.RuleID}, action, {Text: it.Reason.String()}})
	}
	for _, u := range p.Unknown {
		rows.Rows = append(rows.Rows, []output.Cell{{Text: u.Ref}, {Text: ""}, {Text: ""}, {Text: "skip", Style: output.Warning}, {Text: "not in the directory (" + u.Origin + ")"}})
	}
	return []output.Section{head, rows}
}
