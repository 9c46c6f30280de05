package provision

import (
	"cmp"
	"encoding/json"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// FromLog maps one provisioning-log entry to an Outcome. It reads the
// current names (provisioningAction, provisioningStatusInfo) and falls back
// to the older beta ones (action, statusInfo) that some tenants still send.
// The subject is the entry's own sourceIdentity: never the one asked for.
func FromLog(spID string, e *graph.ProvisioningObjectSummary, raw json.RawMessage) *Outcome {
	o := &Outcome{
		ServicePrincipalID: spID,
		JobID:              e.JobID,
		ID:                 NullString(e.ID),
		Source:             SourceProvisioningLogs,
		Action:             NullString(strings.ToLower(cmp.Or(string(e.ProvisioningAction), string(e.Action)))),
		ChangeID:           NullString(e.ChangeID),
		StartedAt:          timePtr(e.ActivityDateTime.Time),
		Raw:                raw,
	}
	if o.ServicePrincipalID == "" && e.ServicePrincipal != nil {
		o.ServicePrincipalID = e.ServicePrincipal.ID
	}
	if o.StartedAt != nil && e.DurationInMilliseconds > 0 {
		end := o.StartedAt.Add(time.Duration(e.DurationInMilliseconds) * time.Millisecond)
		o.EndedAt = &end
	}
	o.Subject = logSubject(e.SourceIdentity)
	for _, s := range e.ProvisioningSteps {
		o.Steps = append(o.Steps, Step{
			Name:        string(s.Name),
			Type:        strings.ToLower(string(s.ProvisioningStepType)),
			Status:      strings.ToLower(string(s.Status)),
			Description: string(s.Description),
			Details:     s.Details,
		})
	}
	o.ModifiedProperties = changesOf(e.ModifiedProperties)
	var reason *Reason
	switch {
	case e.ProvisioningStatusInfo != nil:
		si := e.ProvisioningStatusInfo
		o.State = stateFromResult(string(si.Status))
		if ei := si.ErrorInformation; ei != nil {
			reason = &Reason{
				Code:              NullString(ei.ErrorCode),
				Message:           NullString(cmp.Or(string(ei.Reason), string(ei.AdditionalDetails))),
				RecommendedAction: NullString(ei.RecommendedAction),
			}
		}
	case e.StatusInfo != nil:
		si := e.StatusInfo
		o.State = stateFromResult(string(si.Status))
		reason = &Reason{
			Code:              NullString(si.ErrorCode),
			Message:           NullString(cmp.Or(string(si.Reason), string(si.AdditionalDetails))),
			RecommendedAction: NullString(si.RecommendedAction),
		}
	}
	if o.State == "" {
		o.State = stateFromSteps(o.Steps)
	}
	o.Reason = completeReason(o.State, reason, o.Steps)
	return o.normalize()
}

// logSubject is the entry's sourceIdentity; its details fill a missing
// display name (Graph sends DisplayName and UserPrincipalName there).
func logSubject(id *graph.ProvisionedIdentity) *Subject {
	if id == nil {
		return nil
	}
	s := &Subject{ID: NullString(id.ID), DisplayName: NullString(id.DisplayName), Type: NullString(subjectType(string(id.IdentityType)))}
	if s.DisplayName == "" {
		s.DisplayName = NullString(cmp.Or(id.Details["UserPrincipalName"], id.Details["DisplayName"]))
	}
	if s.Type == "" {
		s.Type = NullString(subjectType(id.Details["odatatype"]))
	}
	if *s == (Subject{}) {
		return nil
	}
	return s
}

// subjectType spells the object types the same whatever the source sent
// ("user" from cloud sync, "User" elsewhere); other types are kept.
func subjectType(t string) string {
	switch strings.ToLower(t) {
	case "user":
		return "User"
	case "group":
		return "Group"
	}
	return t
}
