package provision

import (
	"cmp"
	"encoding/json"
	"strings"

	"github.com/provctl/provctl/internal/graph"
)

// FromOnDemand maps a decoded provisionOnDemand answer to an Outcome. The
// state comes from key.result, else statusInfo.status, else the steps.
func FromOnDemand(spID, jobID string, ans *graph.OnDemandAnswer, raw json.RawMessage) *Outcome {
	o := &Outcome{
		ServicePrincipalID: spID,
		JobID:              jobID,
		Source:             SourceProvisionOnDemand,
		Raw:                raw,
	}
	var status *graph.StatusDetails
	for i, rec := range ans.Records {
		if i == 0 {
			o.ID = NullString(rec.ChangeID)
			o.ChangeID = NullString(rec.ChangeID)
			o.Action = NullString(strings.ToLower(string(rec.Action)))
			o.StartedAt = timePtr(rec.StartTime.Time)
			o.EndedAt = timePtr(rec.EndTime.Time)
			o.Subject = subjectOf(rec)
			status = rec.StatusInfo
		}
		for _, s := range rec.ProvisioningSteps {
			o.Steps = append(o.Steps, Step{
				Name:        string(s.Name),
				Type:        strings.ToLower(string(s.Type)),
				Status:      strings.ToLower(string(s.Status)),
				Description: string(s.Description),
				Timestamp:   timePtr(s.Timestamp.Time),
				Details:     s.Details,
			})
		}
		o.ModifiedProperties = append(o.ModifiedProperties, changesOf(rec.ModifiedProperties)...)
	}

	result := ""
	if ans.Key != nil {
		result = string(ans.Key.Result)
	}
	if result == "" && status != nil {
		result = string(status.Status)
	}
	o.State = stateFromResult(result)
	if o.State == "" {
		o.State = stateFromSteps(o.Steps)
	}
	o.Reason = onDemandReason(o.State, ans.Key, status, o.Steps)
	return o.normalize()
}

// stateFromResult maps provisionOnDemand / provisioning-log result words.
func stateFromResult(s string) State {
	switch strings.ToLower(s) {
	case "success", "succeeded":
		return StateSuccess
	case "skipped":
		return StateSkipped
	case "failure", "failed", "error":
		return StateFailure
	case "warning", "entrylevelerrors":
		return StateWarning
	}
	return ""
}

// stateFromSteps is the last resort: the worst step status wins. With no
// steps at all, Graph has accepted the request but not reported: pending.
func stateFromSteps(steps []Step) State {
	if len(steps) == 0 {
		return StatePending
	}
	worst := StateSuccess
	for _, s := range steps {
		switch stateFromResult(s.Status) {
		case StateFailure:
			return StateFailure
		case StateWarning:
			worst = StateWarning
		case StateSkipped:
			if worst == StateSuccess {
				worst = StateSkipped
			}
		}
	}
	return worst
}

func onDemandReason(state State, key *graph.OnDemandKey, st *graph.StatusDetails, steps []Step) *Reason {
	r := &Reason{}
	if key != nil {
		r.Code = NullString(key.Details.ErrorCode)
		r.Message = NullString(key.Details.ErrorMessage)
	}
	if st != nil {
		if r.Code == "" {
			r.Code = NullString(st.ErrorCode)
		}
		if r.Message == "" {
			r.Message = NullString(cmp.Or(string(st.Reason), string(st.AdditionalDetails)))
		}
		r.RecommendedAction = NullString(st.RecommendedAction)
	}
	return completeReason(state, r, steps)
}

// completeReason fills what the status left out from the step that failed
// or skipped: its SkipReason or ErrorCode detail, and its description. A
// step's name (EntryExportAdd) says where, not why: it is never a code.
func completeReason(state State, r *Reason, steps []Step) *Reason {
	if state == StateSuccess || state == StatePending {
		return nil
	}
	if r == nil {
		r = &Reason{}
	}
	if r.Message != "" && r.Code != "" {
		return r
	}
	for _, s := range steps {
		if stateFromResult(s.Status) != state {
			continue
		}
		if r.Code == "" {
			r.Code = NullString(cmp.Or(s.Details["SkipReason"], s.Details["ErrorCode"]))
		}
		if r.Message == "" {
			r.Message = NullString(cmp.Or(s.Details["ErrorMessage"], s.Description))
		}
		break
	}
	return r
}

func subjectOf(rec graph.OnDemandRecord) *Subject {
	s := &Subject{DisplayName: NullString(rec.ReportableIdentifier)}
	if id := rec.SourceIdentity; id != nil {
		s.ID = NullString(id.ID)
		s.Type = NullString(subjectType(string(id.Type)))
		if s.DisplayName == "" {
			s.DisplayName = NullString(id.DisplayName)
		}
	}
	if *s == (Subject{}) {
		return nil
	}
	return s
}

func changesOf(props []graph.ModifiedProperty) []PropertyChange {
	out := make([]PropertyChange, 0, len(props))
	for _, p := range props {
		out = append(out, PropertyChange{Name: p.DisplayName, OldValue: textPtr(p.OldValue), NewValue: textPtr(p.NewValue)})
	}
	return out
}

func textPtr(t *graph.Text) *string {
	if t == nil {
		return nil
	}
	s := string(*t)
	return &s
}
