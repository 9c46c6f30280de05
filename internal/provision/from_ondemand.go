package provision

import (
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
			o.ID = rec.ChangeID
			o.ChangeID = rec.ChangeID
			o.Action = strings.ToLower(string(rec.Action))
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
	if state == StateSuccess || state == StatePending {
		return nil
	}
	r := &Reason{}
	if key != nil {
		r.Code = string(key.Details.ErrorCode)
		r.Message = string(key.Details.ErrorMessage)
	}
	if st != nil {
		if r.Code == "" {
			r.Code = string(st.ErrorCode)
		}
		if r.Message == "" {
			r.Message = firstNonEmpty(string(st.Reason), string(st.AdditionalDetails))
		}
		r.RecommendedAction = string(st.RecommendedAction)
	}
	if r.Message == "" || r.Code == "" {
		// The failing or skipped step usually says why.
		for _, s := range steps {
			if stateFromResult(s.Status) == state {
				if r.Message == "" {
					r.Message = s.Description
				}
				if r.Code == "" {
					r.Code = firstNonEmpty(s.Details["SkipReason"], s.Details["ErrorCode"], s.Name)
				}
				break
			}
		}
	}
	return r
}

func subjectOf(rec graph.OnDemandRecord) *Subject {
	s := &Subject{DisplayName: rec.ReportableIdentifier}
	if id := rec.SourceIdentity; id != nil {
		s.ID = string(id.ID)
		s.Type = string(id.Type)
		if s.DisplayName == "" {
			s.DisplayName = string(id.DisplayName)
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

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
