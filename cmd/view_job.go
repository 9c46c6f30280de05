package cmd

import (
	"fmt"
	"strings"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

type jobListView []graph.SynchronizationJob

func (v jobListView) View() []output.Section {
	// The template is the start of the job id: the first to go.
	s := output.Section{Columns: []string{"ID", "TEMPLATE", "STATUS", "SCHEDULE", "LAST RUN", "LAST STATE"},
		Shrink: []string{"SCHEDULE"}, Drop: []string{"TEMPLATE"}}
	for _, j := range v {
		code, sched := "", ""
		var last, state output.Cell
		if j.Schedule != nil {
			sched = schedule(j.Schedule.State, j.Schedule.Interval)
		}
		if st := j.Status; st != nil {
			code = string(st.Code)
			if e := st.LastExecution; e != nil {
				last, state = output.Cell{Text: graphTime(e.TimeEnded)}, stateCell(string(e.State))
			} else {
				last, state = neverRanCell(), output.Cell{Text: "—", Style: output.Muted}
			}
		}
		s.Rows = append(s.Rows, []output.Cell{{Text: j.ID}, {Text: j.TemplateID, Style: output.Muted}, stateCell(code), {Text: sched}, last, state})
	}
	return []output.Section{s}
}

type jobShowView struct{ j *graph.SynchronizationJob }

func (v jobShowView) View() []output.Section {
	j := v.j
	main := output.Section{Fields: []output.Field{{Name: "Job", Value: output.Cell{Text: j.ID, Style: output.Bold}}, {Name: "Template", Value: output.Cell{Text: j.TemplateID}}}}
	add := func(sec *output.Section, name, val string) {
		if val != "" {
			sec.Fields = append(sec.Fields, output.Field{Name: name, Value: output.Cell{Text: val}})
		}
	}
	if sc := j.Schedule; sc != nil {
		add(&main, "Schedule", schedule(sc.State, sc.Interval))
		add(&main, "Expires", graphTime(sc.Expiration))
	}
	st := j.Status
	if st == nil {
		return []output.Section{main}
	}
	main.Fields = append(main.Fields, output.Field{Name: "Status", Value: stateCell(string(st.Code))})
	if st.CountSuccessiveCompleteFailures > 0 {
		add(&main, "Failures in a row", fmt.Sprint(st.CountSuccessiveCompleteFailures))
	}
	add(&main, "Steady state first", graphTime(st.SteadyStateFirstAchievedTime))
	add(&main, "Steady state last", graphTime(st.SteadyStateLastAchievedTime))
	add(&main, "Troubleshooting", st.TroubleshootingURL)
	if st.LastExecution == nil {
		// Graph's never-run execution (state Failed, times 0001-01-01)
		// decodes as none: say so rather than show nothing, or "Failed".
		main.Fields = append(main.Fields, output.Field{Name: "Last execution", Value: neverRanCell()})
	}
	sections := []output.Section{main}
	if e := st.LastExecution; e != nil {
		sections = append(sections, executionSection("Last execution", e))
	}
	if q := st.Quarantine; q != nil {
		qs := output.Section{Title: "Quarantine"}
		add(&qs, "Reason", string(q.Reason))
		add(&qs, "Since", graphTime(q.CurrentBegan))
		add(&qs, "Series began", graphTime(q.SeriesBegan))
		if q.SeriesCount > 0 {
			add(&qs, "Series count", fmt.Sprint(q.SeriesCount))
		}
		add(&qs, "Next attempt", graphTime(q.NextAttempt))
		if q.Error.IsError() {
			qs.Fields = append(qs.Fields, output.Field{Name: "Error", Value: output.Cell{Text: errorText(q.Error), Style: output.Failure}})
		}
		sections = append(sections, qs)
	}
	return sections
}

func executionSection(title string, e *graph.TaskExecution) output.Section {
	s := output.Section{Title: title, Fields: []output.Field{{Name: "State", Value: stateCell(string(e.State))}}}
	if t := graphTime(e.TimeBegan); t != "" {
		s.Fields = append(s.Fields, output.Field{Name: "Began", Value: output.Cell{Text: t}})
	}
	if t := graphTime(e.TimeEnded); t != "" {
		s.Fields = append(s.Fields, output.Field{Name: "Ended", Value: output.Cell{Text: t}})
	}
	s.Fields = append(s.Fields, output.Field{Name: "Counts", Value: output.Cell{Text: fmt.Sprintf("imported %d, exported %d, escrowed %d, entitled %d",
		e.CountImported, e.CountExported, e.CountEscrowed, e.CountEntitled)}})
	if e.Error.IsError() { // "None" comes with every success
		s.Fields = append(s.Fields, output.Field{Name: "Error", Value: output.Cell{Text: errorText(e.Error), Style: output.Failure}})
	}
	return s
}

// neverRanCell is what a job shows for a last execution it never had.
func neverRanCell() output.Cell { return output.Cell{Text: "never ran", Style: output.Muted} }

func errorText(e *graph.SyncError) string {
	t := codeAndMessage(e.Code, e.Message)
	if e.TenantActionable {
		t += " (you can fix this)"
	}
	return t
}

func graphTime(t graph.Time) string { return formatTime(&t.Time) }

// schedule shows a job's schedule for people: "every 40 min", "disabled",
// "paused, every 1 h 20 min"; the interval TimeSpan.MaxValue (new or
// disabled jobs) means it never runs by itself. JSON keeps Graph's values.
func schedule(state graph.Text, iso string) string {
	st := strings.ToLower(strings.TrimSpace(string(state)))
	every, never := output.HumanInterval(iso)
	switch {
	case st == "disabled":
		return "disabled"
	case never && (st == "active" || st == ""):
		return "never runs by itself"
	case never:
		return st + ", never runs by itself"
	case st == "active" || st == "":
		return "every " + every
	}
	return st + ", every " + every
}

type rulesView []provision.Rule

func (v rulesView) View() []output.Section {
	s := output.Section{Columns: []string{"RULE ID", "NAME", "SOURCE → TARGET", "OBJECTS"},
		Shrink: []string{"SOURCE → TARGET", "OBJECTS"}, Drop: []string{"OBJECTS"}}
	for _, r := range v {
		var objs []string
		for _, m := range r.ObjectMappings {
			objs = append(objs, m.SourceObjectName+" → "+m.TargetObjectName)
		}
		id := output.Cell{Text: r.RuleID(), Style: output.Bold}
		if id.Text == "" {
			id = output.Cell{Text: "(none)", Style: output.Muted} // cannot be used with --rule
		}
		s.Rows = append(s.Rows, []output.Cell{id, {Text: r.Name}, {Text: r.SourceDirectoryName + " → " + r.TargetDirectoryName}, {Text: strings.Join(objs, ", ")}})
	}
	return []output.Section{s}
}

type jobActionView struct{ r JobActionResult }

func (v jobActionView) View() []output.Section {
	s := output.Section{Fields: []output.Field{
		{Name: "Job", Value: output.Cell{Text: v.r.JobID}},
		{Name: "Action", Value: output.Cell{Text: v.r.Action, Style: output.Bold}},
		{Name: "Status", Value: output.Cell{Text: v.r.Status, Style: output.Success}},
	}}
	if v.r.ResetScope != "" {
		s.Fields = append(s.Fields, output.Field{Name: "Reset scope", Value: output.Cell{Text: v.r.ResetScope}})
	}
	return []output.Section{s}
}
