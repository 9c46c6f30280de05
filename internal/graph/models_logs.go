package graph

import (
	"bytes"
	"encoding/json"
)

// ProvisioningObjectSummary is one provisioning log entry
// (GET /auditLogs/provisioning).
type ProvisioningObjectSummary struct {
	ID                     string                  `json:"id"`
	ActivityDateTime       Time                    `json:"activityDateTime"`
	ChangeID               string                  `json:"changeId"`
	CycleID                string                  `json:"cycleId"`
	DurationInMilliseconds Int64                   `json:"durationInMilliseconds"`
	JobID                  string                  `json:"jobId"`
	TenantID               string                  `json:"tenantId"`
	InitiatedBy            *Initiator              `json:"initiatedBy"`
	ModifiedProperties     []ModifiedProperty      `json:"modifiedProperties"`
	ProvisioningAction     Text                    `json:"provisioningAction"`
	ProvisioningStatusInfo *ProvisioningStatusInfo `json:"provisioningStatusInfo"`
	ProvisioningSteps      []ProvisioningStep      `json:"provisioningSteps"`
	ServicePrincipal       *ProvisioningSPRef      `json:"servicePrincipal"`
	SourceIdentity         *ProvisionedIdentity    `json:"sourceIdentity"`
	TargetIdentity         *ProvisionedIdentity    `json:"targetIdentity"`
	SourceSystem           *ProvisioningSystem     `json:"sourceSystem"`
	TargetSystem           *ProvisioningSystem     `json:"targetSystem"`
	// Action and StatusInfo are the older beta names of ProvisioningAction
	// and ProvisioningStatusInfo, still sent by some tenants and paths.
	Action     Text           `json:"action"`
	StatusInfo *StatusDetails `json:"statusInfo"`
}

// Initiator is initiatedBy.
type Initiator struct {
	ID            string `json:"id"`
	DisplayName   string `json:"displayName"`
	InitiatorType Text   `json:"initiatorType"`
}

// ProvisioningStatusInfo is {status, errorInformation}.
type ProvisioningStatusInfo struct {
	Status           Text              `json:"status"`
	ErrorInformation *ErrorInformation `json:"errorInformation"`
}

// ErrorInformation explains a failed or skipped provisioning.
type ErrorInformation struct {
	ErrorCode         Text `json:"errorCode"`
	Reason            Text `json:"reason"`
	AdditionalDetails Text `json:"additionalDetails"`
	RecommendedAction Text `json:"recommendedAction"`
	ErrorCategory     Text `json:"errorCategory"`
}

// ProvisioningStep is a step as the logs report it (lower-case enums).
type ProvisioningStep struct {
	Name                 Text    `json:"name"`
	Description          Text    `json:"description"`
	Details              Details `json:"details"`
	ProvisioningStepType Text    `json:"provisioningStepType"`
	Status               Text    `json:"status"`
}

// ProvisioningSPRef is servicePrincipal {id, displayName}.
type ProvisioningSPRef struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

// ProvisionedIdentity is sourceIdentity/targetIdentity.
type ProvisionedIdentity struct {
	ID           Text    `json:"id"`
	DisplayName  Text    `json:"displayName"`
	IdentityType Text    `json:"identityType"`
	Details      Details `json:"details"`
}

// ProvisioningSystem is sourceSystem/targetSystem.
type ProvisioningSystem struct {
	ID          Text    `json:"id"`
	DisplayName Text    `json:"displayName"`
	Details     Details `json:"details"`
}

// UnmarshalJSON accepts the documented single object and, since the
// resource doc calls it a collection, an array (its first element).
func (r *ProvisioningSPRef) UnmarshalJSON(b []byte) error {
	type plain ProvisioningSPRef
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var list []plain
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		if len(list) > 0 {
			*r = ProvisioningSPRef(list[0])
		}
		return nil
	}
	return json.Unmarshal(b, (*plain)(r))
}
