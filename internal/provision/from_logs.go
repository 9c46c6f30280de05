package provision

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// FromLog maps one provisioning-log entry to an Outcome.
func FromLog(spID string, e *graph.ProvisioningObjectSummary, raw json.RawMessage) *Outcome {
	o := &Outcome{
		ServicePrincipalID: spID,
		JobID:              e.JobID,
		ID:                 e.ID,
		Source:             SourceProvisioningLogs,
		Action:             strings.ToLower(string(e.ProvisioningAction)),
		ChangeID:           e.ChangeID,
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
	if id := e.SourceIdentity; id != nil {
		o.Subject = &Subject{ID: string(id.ID), DisplayName: string(id.DisplayName), Type: string(id.IdentityType)}
	}
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
	if si := e.ProvisioningStatusInfo; si != nil {
		o.State = stateFromResult(string(si.Status))
		if ei := si.ErrorInformation; ei != nil && o.State != StateSuccess {
			o.Reason = &Reason{
				Code:              string(ei.ErrorCode),
				Message:           firstNonEmpty(string(ei.Reason), string(ei.AdditionalDetails)),
				RecommendedAction: string(ei.RecommendedAction),
			}
		}
	}
	if o.State == "" {
		o.State = stateFromSteps(o.Steps)
	}
	if o.Reason == nil && o.State != StateSuccess && o.State != StatePending {
		o.Reason = onDemandReason(o.State, nil, nil, o.Steps)
	}
	return o.normalize()
}
