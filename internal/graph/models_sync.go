package graph

import (
	"bytes"
	"encoding/json"
	"strings"
)

// ServicePrincipal is the subset of servicePrincipal provctl reads.
type ServicePrincipal struct {
	ID          string   `json:"id"`
	AppID       string   `json:"appId"`
	DisplayName string   `json:"displayName"`
	Tags        []string `json:"tags,omitempty"`
}

// SynchronizationJob is a synchronizationJob
// (GET …/synchronization/jobs[/{id}]).
type SynchronizationJob struct {
	ID         string                   `json:"id"`
	TemplateID string                   `json:"templateId"`
	Schedule   *SynchronizationSchedule `json:"schedule"`
	Status     *SynchronizationStatus   `json:"status"`
	Settings   []KeyValue               `json:"synchronizationJobSettings"`
}

// KeyValue is a keyValuePair.
type KeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SynchronizationSchedule is a job's schedule.
type SynchronizationSchedule struct {
	Expiration Time   `json:"expiration"`
	Interval   string `json:"interval"`
	State      Text   `json:"state"`
}

// SynchronizationStatus is a job's status; an empty object means nothing
// has been reported yet.
type SynchronizationStatus struct {
	Code                               Text           `json:"code"`
	CountSuccessiveCompleteFailures    Int64          `json:"countSuccessiveCompleteFailures"`
	EscrowsPruned                      bool           `json:"escrowsPruned"`
	LastExecution                      *TaskExecution `json:"lastExecution"`
	LastSuccessfulExecution            *TaskExecution `json:"lastSuccessfulExecution"`
	LastSuccessfulExecutionWithExports *TaskExecution `json:"lastSuccessfulExecutionWithExports"`
	Progress                           []Progress     `json:"progress"`
	Quarantine                         *Quarantine    `json:"quarantine"`
	SteadyStateFirstAchievedTime       Time           `json:"steadyStateFirstAchievedTime"`
	SteadyStateLastAchievedTime        Time           `json:"steadyStateLastAchievedTime"`
	SynchronizedEntryCountByType       []KeyCount     `json:"synchronizedEntryCountByType"`
	TroubleshootingURL                 string         `json:"troubleshootingUrl"`
}

// TaskExecution is a synchronizationTaskExecution.
type TaskExecution struct {
	ActivityIdentifier           string     `json:"activityIdentifier"`
	CountEntitled                Int64      `json:"countEntitled"`
	CountEntitledForProvisioning Int64      `json:"countEntitledForProvisioning"`
	CountEscrowed                Int64      `json:"countEscrowed"`
	CountEscrowedRaw             Int64      `json:"countEscrowedRaw"`
	CountExported                Int64      `json:"countExported"`
	CountExports                 Int64      `json:"countExports"`
	CountImported                Int64      `json:"countImported"`
	CountImportedDeltas          Int64      `json:"countImportedDeltas"`
	CountImportedReferenceDeltas Int64      `json:"countImportedReferenceDeltas"`
	Error                        *SyncError `json:"error"`
	State                        Text       `json:"state"`
	TimeBegan                    Time       `json:"timeBegan"`
	TimeEnded                    Time       `json:"timeEnded"`
}

// SyncError is a synchronizationError.
type SyncError struct {
	Code             string `json:"code"`
	Message          string `json:"message"`
	TenantActionable bool   `json:"tenantActionable"`
}

// IsError reports whether e reports a failure. Graph sends
// {"code":"None","message":"","tenantActionable":false} with every success
// and with a job that never ran: that, like no code and no message, is none.
func (e *SyncError) IsError() bool {
	if e == nil || strings.EqualFold(strings.TrimSpace(e.Code), "None") {
		return false
	}
	return strings.TrimSpace(e.Code) != "" || strings.TrimSpace(e.Message) != ""
}

// Quarantine is a synchronizationQuarantine.
type Quarantine struct {
	CurrentBegan Time       `json:"currentBegan"`
	NextAttempt  Time       `json:"nextAttempt"`
	Reason       Text       `json:"reason"`
	SeriesBegan  Time       `json:"seriesBegan"`
	SeriesCount  Int64      `json:"seriesCount"`
	Error        *SyncError `json:"error"`
}

// Progress is a synchronizationProgress.
type Progress struct {
	CompletedUnits              Int64  `json:"completedUnits"`
	TotalUnits                  Int64  `json:"totalUnits"`
	Units                       string `json:"units"`
	ProgressObservationDateTime Time   `json:"progressObservationDateTime"`
}

// KeyCount is a stringKeyLongValuePair.
type KeyCount struct {
	Key   string `json:"key"`
	Value Int64  `json:"value"`
}

// ApplyResource is the on-demand outcome resource
// GET /servicePrincipals/{sp}/synchronization/jobs/apply.{jobId}.
type ApplyResource struct {
	ID         string                 `json:"id"`
	TemplateID string                 `json:"templateId"`
	Status     *SynchronizationStatus `json:"status"`
	// Raw is the whole answer as received.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the resource and keeps a copy of the whole answer in Raw.
func (r *ApplyResource) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	type plain ApplyResource
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = ApplyResource(p)
	r.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// Schema is a synchronizationSchema (only what rule discovery needs).
type Schema struct {
	SynchronizationRules []SynchronizationRule `json:"synchronizationRules"`
}

// SynchronizationRule is one rule; its ID is what provisionOnDemand's
// ruleId takes. Microsoft's own schema example has rules without id,
// editable or priority, so those stay nil when absent (null in -o json)
// rather than reading as "", false or 0.
type SynchronizationRule struct {
	ID                  *string         `json:"id"`
	Name                string          `json:"name"`
	SourceDirectoryName string          `json:"sourceDirectoryName"`
	TargetDirectoryName string          `json:"targetDirectoryName"`
	Priority            *Int64          `json:"priority"`
	Editable            *bool           `json:"editable"`
	ObjectMappings      []ObjectMapping `json:"objectMappings"`
}

// RuleID is the rule's id, "" when Graph sent none (such a rule cannot be
// named with --rule).
func (r SynchronizationRule) RuleID() string {
	if r.ID == nil {
		return ""
	}
	return *r.ID
}

// ObjectMapping maps a source object type to a target object type;
// Enabled is nil when Graph did not say.
type ObjectMapping struct {
	Name             string `json:"name"`
	Enabled          *bool  `json:"enabled"`
	SourceObjectName string `json:"sourceObjectName"`
	TargetObjectName string `json:"targetObjectName"`
}

// DirectoryObject is the subset of a user or group provctl reads.
type DirectoryObject struct {
	ODataType         string `json:"@odata.type,omitempty"`
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
	Mail              string `json:"mail,omitempty"`
}

// AppRoleAssignment is one assignment of a user, group or service
// principal to an app (GET servicePrincipals/{id}/appRoleAssignedTo).
type AppRoleAssignment struct {
	ID                   string `json:"id"`
	PrincipalID          string `json:"principalId"`
	PrincipalType        string `json:"principalType"` // User, Group, ServicePrincipal
	PrincipalDisplayName string `json:"principalDisplayName"`
}
