// Package provision is the domain of provctl: it resolves names to ids,
// runs provisionOnDemand, turns every Graph source into one Outcome, and
// owns the wait loop. It knows nothing of cobra or terminals.
package provision

import (
	"encoding/json"
	"time"
)

// State is the normalized outcome state.
type State string

// Outcome states (design.md §5).
const (
	StatePending State = "pending"
	StateSuccess State = "success"
	StateWarning State = "warning"
	StateSkipped State = "skipped"
	StateFailure State = "failure"
)

// Final reports whether no further change is expected.
func (s State) Final() bool { return s != StatePending && s != "" }

// Source names where an Outcome was read from.
type Source string

// Outcome sources.
const (
	SourceApply             Source = "apply"
	SourceProvisionOnDemand Source = "provisionOnDemand"
	SourceProvisioningLogs  Source = "provisioningLogs"
)

// Outcome is the normalized answer to "did it work, and if not, which step
// failed and why". Its JSON field names are a contract (docs/output.md);
// every field is always present so scripts need no existence checks.
type Outcome struct {
	ServicePrincipalID string           `json:"servicePrincipalId"`
	JobID              string           `json:"jobId"`
	ID                 NullString       `json:"id"`
	TemplateID         NullString       `json:"templateId"`
	Source             Source           `json:"source"`
	State              State            `json:"state"`
	Reason             *Reason          `json:"reason"`
	StartedAt          *time.Time       `json:"startedAt"`
	EndedAt            *time.Time       `json:"endedAt"`
	Action             NullString       `json:"action"`
	ChangeID           NullString       `json:"changeId"`
	Subject            *Subject         `json:"subject"`
	Counts             *Counts          `json:"counts"`
	Steps              []Step           `json:"steps"`
	ModifiedProperties []PropertyChange `json:"modifiedProperties"`
	// Members are the outcomes of a group's members provisioned with it,
	// each read from its own provisioning-log entry ([] for anything else).
	Members []*Outcome `json:"members"`
	// Request is what `provision run` sent for this outcome (null
	// elsewhere).
	Request *Request        `json:"request"`
	Raw     json.RawMessage `json:"raw"`
}

// Reason explains a state other than success.
type Reason struct {
	Code              NullString `json:"code"`
	Message           NullString `json:"message"`
	RecommendedAction NullString `json:"recommendedAction"`
}

// Subject is the user or group the outcome is about.
type Subject struct {
	ID          NullString `json:"id"`
	DisplayName NullString `json:"displayName"`
	Type        NullString `json:"type"`
}

// Counts are the execution counters of the apply resource.
type Counts struct {
	Imported int64 `json:"imported"`
	Exported int64 `json:"exported"`
	Escrowed int64 `json:"escrowed"`
	Entitled int64 `json:"entitled"`
}

// Step is one provisioning step. Type and Status are lower case whatever
// the source sent (provisionOnDemand capitalises, the logs do not).
type Step struct {
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Status      string            `json:"status"`
	Description string            `json:"description"`
	Timestamp   *time.Time        `json:"timestamp"`
	Details     map[string]string `json:"details"`
}

// PropertyChange is one attribute written to the target; nil means none.
type PropertyChange struct {
	Name     string  `json:"name"`
	OldValue *string `json:"oldValue"`
	NewValue *string `json:"newValue"`
}

// normalize fills nil slices so JSON shows [] rather than null.
func (o *Outcome) normalize() *Outcome {
	if o.Steps == nil {
		o.Steps = []Step{}
	}
	if o.ModifiedProperties == nil {
		o.ModifiedProperties = []PropertyChange{}
	}
	if o.Members == nil {
		o.Members = []*Outcome{}
	}
	if len(o.Raw) == 0 {
		o.Raw = json.RawMessage("null")
	}
	return o
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
