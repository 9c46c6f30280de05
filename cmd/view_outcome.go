package cmd

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// outcomeView shows an Outcome like the portal: the verdict first, then
// each step (on a terminal a block with the whole description and the
// details, as the portal expands them; in a pipe one row each), then the
// attribute changes, then a group's members.
// latestOfJob says the outcome is the job's most recent request, whoever
// it was for (poll without --subject or --change-id).
type outcomeView struct {
	o               *provision.Outcome
	latestOfJob     bool
	latestOfSubject bool // poll --subject without --change-id
	// spName is the service principal's display name when the command
	// knows it; else the view takes it from the outcome's log entry.
	spName string
	// subjectRef is --subject as typed: it names the subject when no log
	// entry does (a UPN or group name; an id adds nothing).
	subjectRef string
}

// noEntry reports a pending outcome read from the logs that found no
// entry at all: nothing has been recorded for the subject (or request) yet.
func (v outcomeView) noEntry() bool {
	o := v.o
	return o.State == provision.StatePending && o.Source == provision.SourceProvisioningLogs && o.ID == "" && o.StartedAt == nil
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
	} else if v.noEntry() {
		add("Reason", "no provisioning-log entry for it in this job yet: real tenants publish one minutes after a request, and there is none if it was never provisioned (provision run, or poll --wait)")
	}
	subject := subjectText(o.Subject, v.latestOfJob)
	if o.Subject != nil && o.Subject.DisplayName == "" && v.subjectRef != "" && !provision.IsGUID(v.subjectRef) {
		subject = strings.TrimSpace(v.subjectRef + " " + paren(o.Subject.ID.String()))
	}
	switch {
	case v.latestOfSubject && subject != "" && v.noEntry():
		subject += ", no entry yet"
	case v.latestOfSubject && subject != "":
		subject += ", its most recent entry (a newer request may not be in the log yet: poll --change-id)"
	}
	add("Subject", subject)
	add("Action", o.Action.String())
	add("Service principal", nameAndID(cmp.Or(v.spName, logServicePrincipalName(o)), o.ServicePrincipalID))
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
		sections = append(sections, stepsSection(o.Steps))
	}
	if len(o.ModifiedProperties) > 0 {
		props := output.Section{Title: propertiesTitle(o), Columns: []string{"PROPERTY", "OLD", "NEW"}, Wrap: []string{"OLD", "NEW"}}
		if alreadyInTarget(o) {
			props.Columns, props.Wrap = []string{"PROPERTY", "VALUE"}, []string{"VALUE"}
		}
		for _, p := range o.ModifiedProperties {
			row := []output.Cell{{Text: p.Name}, {Text: valueText(p.OldValue), Style: output.Muted}, {Text: valueText(p.NewValue)}}
			if alreadyInTarget(o) {
				row = []output.Cell{row[0], row[2]}
			}
			props.Rows = append(props.Rows, row)
		}
		sections = append(sections, props)
	}
	if len(o.Members) > 0 {
		members := output.Section{Title: "Members", Columns: []string{"MEMBER", "STATE", "ACTION", "REASON", "SOURCE"},
			Wrap: []string{"REASON"}, Drop: []string{"SOURCE"}}
		for _, m := range o.Members {
			members.Rows = append(members.Rows, []output.Cell{
				{Text: subjectText(m.Subject, false)}, stateCell(string(m.State)), {Text: m.Action.String()}, {Text: reasonText(m.Reason)}, {Text: string(m.Source), Style: output.Muted},
			})
		}
		sections = append(sections, members)
	}
	return sections
}

// logServicePrincipalName is the service principal's display name as the
// outcome's provisioning-log entry gives it (no request is made for it);
// "" for other sources, or when the entry is about another object.
func logServicePrincipalName(o *provision.Outcome) string {
	if o.Source != provision.SourceProvisioningLogs || len(o.Raw) == 0 {
		return ""
	}
	var e struct {
		ServicePrincipal *struct {
			ID          string `json:"id"`
			DisplayName string `json:"displayName"`
		} `json:"servicePrincipal"`
	}
	if json.Unmarshal(o.Raw, &e) != nil || e.ServicePrincipal == nil {
		return ""
	}
	if o.ServicePrincipalID != "" && !strings.EqualFold(e.ServicePrincipal.ID, o.ServicePrincipalID) {
		return ""
	}
	return strings.TrimSpace(e.ServicePrincipal.DisplayName)
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

// nameAndID is "name (id)", or whichever of the two is known.
func nameAndID(name, id string) string {
	if name == "" {
		return id
	}
	return strings.TrimSpace(name + " " + paren(id))
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
