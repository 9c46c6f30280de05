package cmd

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// summaryCyclesShown is how many cycles the table lists (JSON lists all).
const summaryCyclesShown = 10

// logsSummary counts the entries of the period (--summary).
func logsSummary(ctx context.Context, opts *LogsOptions) error {
	_, q, err := logsQuery(ctx, opts)
	if err != nil {
		return err
	}
	now := opts.Now()
	var since, until time.Time
	// Whole seconds, as the query sends them, so the period shown is the
	// period counted.
	if opts.Since.given() {
		since = opts.Since.time(now).UTC().Truncate(time.Second)
		q.Since = since.Format(time.RFC3339)
	}
	if opts.Until.given() {
		until = opts.Until.time(now).UTC().Truncate(time.Second)
		q.Until = until.Format(time.RFC3339)
	}
	sum, err := opts.Service.SummarizeLogs(ctx, provision.SummaryRequest{Query: q, Since: since, Until: until, Limit: opts.Limit})
	if err != nil {
		return err
	}
	if sum.Truncated {
		opts.Printer.Streams.Warnf("the period holds more than %d entries: the summary counts the newest %d, since %s; narrow --since, --until or the filters, or raise --limit (up to %d)",
			opts.Limit, sum.Entries, formatTime(sum.Oldest), provision.MaxSummaryLimit)
	}
	return opts.Printer.PrintContext(ctx, sum, summaryView{sum})
}

// summaryView is the table of a LogSummary: the period, then one section
// per count.
type summaryView struct{ s *provision.LogSummary }

func (v summaryView) View() []output.Section {
	s := v.s
	entries := strconv.Itoa(s.Entries)
	if s.Truncated {
		entries += " (the newest: the period holds more)"
	}
	head := output.Section{Fields: []output.Field{
		{Name: "Period", Value: output.Cell{Text: periodText(s.Since, s.Until)}},
		{Name: "Entries", Value: output.Cell{Text: entries}},
	}}
	if s.Entries > 0 {
		head.Fields = append(head.Fields,
			output.Field{Name: "Oldest", Value: output.Cell{Text: formatTime(s.Oldest)}},
			output.Field{Name: "Newest", Value: output.Cell{Text: formatTime(s.Newest)}})
	}
	sections := []output.Section{head, stateSection(s.ByState), actionSection(s.ByAction)}
	if len(s.TopErrors) > 0 {
		sections = append(sections, reasonSection("Top errors", s.TopErrors))
	}
	if len(s.TopSkipReasons) > 0 {
		sections = append(sections, reasonSection("Top skip reasons", s.TopSkipReasons))
	}
	if len(s.Cycles) > 0 {
		sections = append(sections, cycleSection(s.Cycles))
	}
	return sections
}

func periodText(since, until *time.Time) string {
	switch {
	case since == nil && until == nil:
		return "every entry Graph keeps"
	case until == nil:
		return "since " + formatTime(since)
	case since == nil:
		return "until " + formatTime(until)
	}
	return formatTime(since) + " to " + formatTime(until)
}

func stateSection(c provision.StateCounts) output.Section {
	sec := output.Section{Title: "By state", Columns: []string{"STATE", "ENTRIES"}}
	for _, r := range []struct {
		state string
		n     int
	}{{"success", c.Success}, {"warning", c.Warning}, {"skipped", c.Skipped}, {"failure", c.Failure}, {"pending", c.Pending}} {
		if r.state == "pending" && r.n == 0 {
			continue // entries that say nothing of their outcome are rare
		}
		sec.Rows = append(sec.Rows, []output.Cell{stateCell(r.state), {Text: strconv.Itoa(r.n)}})
	}
	return sec
}

func actionSection(byAction map[string]int) output.Section {
	sec := output.Section{Title: "By action", Columns: []string{"ACTION", "ENTRIES"}}
	actions := make([]string, 0, len(byAction))
	for a := range byAction {
		actions = append(actions, a)
	}
	slices.SortFunc(actions, func(a, b string) int {
		if c := cmp.Compare(byAction[b], byAction[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for _, a := range actions {
		sec.Rows = append(sec.Rows, []output.Cell{{Text: a}, {Text: strconv.Itoa(byAction[a])}})
	}
	return sec
}

func reasonSection(title string, rs []provision.ReasonCount) output.Section {
	// One line per reason: the message is a sample, cut on a terminal
	// (whole in a pipe and in JSON, with when it was last seen).
	sec := output.Section{Title: title, Columns: []string{"STATE", "CODE", "ENTRIES", "SAMPLE MESSAGE"}, Shrink: []string{"SAMPLE MESSAGE"}}
	for _, r := range rs {
		sec.Rows = append(sec.Rows, []output.Cell{stateCell(string(r.State)), {Text: cmp.Or(r.Code.String(), "(none)")}, {Text: strconv.Itoa(r.Count)},
			{Text: r.Message.String()}})
	}
	return sec
}

func cycleSection(cycles []provision.CycleTotal) output.Section {
	// Without LAST the columns fit 80 terminal columns.
	sec := output.Section{Title: "Cycles", Columns: []string{"CYCLE ID", "LAST", "TOTAL", "SUCCESS", "WARNING", "SKIPPED", "FAILURE"}}
	if len(cycles) > summaryCyclesShown {
		sec.Title = fmt.Sprintf("Cycles (the %d newest of %d; -o json lists all)", summaryCyclesShown, len(cycles))
		cycles = cycles[:summaryCyclesShown]
	}
	for _, c := range cycles {
		n := c.ByState
		sec.Rows = append(sec.Rows, []output.Cell{{Text: cmp.Or(c.CycleID.String(), "(none)")}, {Text: formatTime(c.Last)}, {Text: strconv.Itoa(c.Entries)},
			{Text: strconv.Itoa(n.Success)}, {Text: strconv.Itoa(n.Warning)}, {Text: strconv.Itoa(n.Skipped)}, {Text: strconv.Itoa(n.Failure)}})
	}
	return sec
}
