package cmd

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// outcomeView shows an Outcome like the portal: the verdict first, then one
// row per step, then the attribute changes, then a group's members.
// latestOfJob says the outcome is the job's most recent request, whoever
// it was for (poll without --subject or --change-id).
type outcomeView struct {
	o               *provision.Outcome
	latestOfJob     bool
	latestOfSubject bool // poll --subject without --change-id
}

func (v outcomeView) View() []output.Section {
	o := v.o
	summary := output.Section{Fields: []output.Field{
		{Name: "State", Value: stateCell(string(o.State))},
	}}
	add := func(name, value string) {
		if value != "" {
			summary.Fields = append(summary.Fields, output.Field{Name: name, Value: output.Cell{Text: value}})
		}
	}
	if r := o.Reason; r != nil {
		add("Reason", reasonText(r))
		add("Recommended", r.RecommendedAction.String())
	}
	subject := subjectText(o.Subject, v.latestOfJob)
	if v.latestOfSubject && subject != "" {
		subject += ", its most recent entry (a newer request may not be in the log yet: poll --change-id)"
	}
	add("Subject", subject)
	add("Action", o.Action.String())
	add("Service principal", o.ServicePrincipalID)
	add("Job", o.JobID)
	add("Template", o.TemplateID.String())
	add("Source", string(o.Source))
	add("Change id", o.ChangeID.String())
	add("Started", formatTime(o.StartedAt))
	add("Ended", formatTime(o.EndedAt))
	if c := o.Counts; c != nil {
		add("Counts", fmt.Sprintf("imported %d, exported %d, escrowed %d, entitled %d", c.Imported, c.Exported, c.Escrowed, c.Entitled))
	}
	sections := []output.Section{summary}
	if len(o.Steps) > 0 {
		steps := output.Section{Title: "Steps", Columns: []string{"#", "TYPE", "STATUS", "STEP", "DESCRIPTION", "DETAILS"}}
		for i, s := range o.Steps {
			steps.Rows = append(steps.Rows, []output.Cell{
				{Text: fmt.Sprint(i + 1)},
				{Text: s.Type},
				stateCell(s.Status),
				{Text: s.Name, Style: output.Muted},
				{Text: s.Description},
				{Text: detailsText(s.Details), Style: output.Muted},
			})
		}
		sections = append(sections, steps)
	}
	if len(o.ModifiedProperties) > 0 {
		props := output.Section{Title: "Modified properties", Columns: []string{"PROPERTY", "OLD", "NEW"}}
		for _, p := range o.ModifiedProperties {
			props.Rows = append(props.Rows, []output.Cell{{Text: p.Name}, {Text: valueText(p.OldValue), Style: output.Muted}, {Text: valueText(p.NewValue)}})
		}
		sections = append(sections, props)
	}
	if len(o.Members) > 0 {
		members := output.Section{Title: "Members", Columns: []string{"MEMBER", "STATE", "ACTION", "REASON", "SOURCE"}}
		for _, m := range o.Members {
			members.Rows = append(members.Rows, []output.Cell{
				{Text: subjectText(m.Subject, false)}, stateCell(string(m.State)), {Text: m.Action.String()}, {Text: reasonText(m.Reason)}, {Text: string(m.Source), Style: output.Muted},
			})
		}
		sections = append(sections, members)
	}
	return sections
}

// subjectText names a subject by name and id; an outcome whose source does
// not say whose it is (the apply. resource) says so instead of guessing.
func subjectText(s *provision.Subject, latestOfJob bool) string {
	text := ""
	if s != nil {
		text = strings.TrimSpace(fmt.Sprintf("%s %s", s.DisplayName, paren(s.ID.String())))
	}
	switch {
	case latestOfJob && text == "":
		return "not reported by this source (the job's most recent request)"
	case latestOfJob:
		return text + ", the job's most recent request"
	}
	return text
}

func reasonText(r *provision.Reason) string {
	if r == nil {
		return ""
	}
	return codeAndMessage(r.Code.String(), r.Message.String())
}

// stateCell colors an outcome or step status.
func stateCell(state string) output.Cell {
	style := output.Plain
	switch strings.ToLower(state) {
	case "success", "succeeded", "active":
		style = output.Success
	case "warning", "entrylevelerrors", "paused":
		style = output.Warning
	case "failure", "failed", "quarantine":
		style = output.Failure
	case "pending", "notrun":
		style = output.Pending
	case "skipped":
		style = output.Muted
	}
	return output.Cell{Text: state, Style: style}
}

func formatTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func valueText(v *string) string {
	if v == nil {
		return "—"
	}
	return *v
}

// detailsText shows step details as key=value pairs in a stable order;
// empty values (cloud sync sends a hundred of them) are left out.
func detailsText(d map[string]string) string {
	if len(d) == 0 {
		return ""
	}
	keys := make([]string, 0, len(d))
	for k, v := range d {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+d[k])
	}
	return strings.Join(parts, " ")
}

// codeAndMessage joins a code and a message as "code: message", leaving
// out whichever is empty (and never trimming the message's own text).
func codeAndMessage(code, msg string) string {
	code, msg = strings.TrimSpace(code), strings.TrimSpace(msg)
	switch {
	case code == "":
		return msg
	case msg == "":
		return code
	}
	return code + ": " + msg
}
