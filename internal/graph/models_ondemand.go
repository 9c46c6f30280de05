package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// OnDemandRequest is the provisionOnDemand body
// (POST …/synchronization/jobs/{id}/provisionOnDemand).
type OnDemandRequest struct {
	Parameters []OnDemandParameters `json:"parameters"`
}

// OnDemandParameters is a synchronizationJobApplicationParameters.
type OnDemandParameters struct {
	RuleID   string            `json:"ruleId"`
	Subjects []OnDemandSubject `json:"subjects"`
}

// OnDemandSubject is a synchronizationJobSubject.
type OnDemandSubject struct {
	ObjectID       string         `json:"objectId"`
	ObjectTypeName string         `json:"objectTypeName"`
	Links          *OnDemandLinks `json:"links,omitempty"`
}

// OnDemandLinks is synchronizationLinkedObjects (group members).
type OnDemandLinks struct {
	Members []OnDemandSubject `json:"members,omitempty"`
}

// StringKeyStringValuePair is provisionOnDemand's answer: both fields hold
// JSON encoded as strings (sometimes not JSON at all).
type StringKeyStringValuePair struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// OnDemandKey is the decoded "key": {"result":"Skipped","details":{…}}.
type OnDemandKey struct {
	Result  Text `json:"result"`
	Details struct {
		ErrorCode    Text `json:"errorCode"`
		ErrorMessage Text `json:"errorMessage"`
	} `json:"details"`
}

// OnDemandRecord is one decoded object of "value".
type OnDemandRecord struct {
	Action               Text               `json:"action"`
	ChangeID             string             `json:"changeId"`
	CycleID              string             `json:"cycleId"`
	StartTime            Time               `json:"startTime"`
	EndTime              Time               `json:"endTime"`
	ReportableIdentifier string             `json:"reportableIdentifier"`
	ModifiedProperties   []ModifiedProperty `json:"modifiedProperties"`
	ProvisioningSteps    []OnDemandStep     `json:"provisioningSteps"`
	StatusInfo           *StatusDetails     `json:"statusInfo"`
	SourceIdentity       *OnDemandIdentity  `json:"sourceIdentity"`
	TargetIdentity       *OnDemandIdentity  `json:"targetIdentity"`
	SourceSystem         *OnDemandIdentity  `json:"sourceSystem"`
	TargetSystem         *OnDemandIdentity  `json:"targetSystem"`
}

// OnDemandStep is a provisioning step as provisionOnDemand reports it
// (capitalised Type and Status).
type OnDemandStep struct {
	Name        Text    `json:"name"`
	Type        Text    `json:"type"`
	Status      Text    `json:"status"`
	Description Text    `json:"description"`
	Timestamp   Time    `json:"timestamp"`
	Details     Details `json:"details"`
}

// StatusDetails is statusInfo of a provisionOnDemand record.
type StatusDetails struct {
	Status            Text `json:"status"`
	ErrorCode         Text `json:"errorCode"`
	Reason            Text `json:"reason"`
	AdditionalDetails Text `json:"additionalDetails"`
	ErrorCategory     Text `json:"errorCategory"`
	RecommendedAction Text `json:"recommendedAction"`
}

// OnDemandIdentity is sourceIdentity/targetIdentity/sourceSystem/targetSystem.
type OnDemandIdentity struct {
	ID          Text `json:"id"`
	Type        Text `json:"type"`
	DisplayName Text `json:"displayName"`
	Name        Text `json:"name"`
}

// ModifiedProperty is one attribute change; nil values mean "none".
type ModifiedProperty struct {
	DisplayName string `json:"displayName"`
	OldValue    *Text  `json:"oldValue"`
	NewValue    *Text  `json:"newValue"`
}

// Details is an open map of step details; non-string values are kept as
// compact JSON text so nothing is lost.
type Details map[string]string

// UnmarshalJSON implements json.Unmarshaler.
func (d *Details) UnmarshalJSON(b []byte) error {
	*d = nil
	var m map[string]json.RawMessage
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '"' {
		// Details sent as a JSON-encoded string: "" is none, an encoded
		// object is decoded.
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("details: %w", err)
		}
		inner := bytes.TrimSpace([]byte(s))
		if len(inner) == 0 {
			return nil
		}
		if inner[0] != '{' {
			return fmt.Errorf("details: expected an object, got %.40q", s)
		}
		b = inner
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("details: %w", err)
	}
	out := make(Details, len(m))
	for k, raw := range m {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			out[k] = s
			continue
		}
		var buf bytes.Buffer
		if json.Compact(&buf, raw) == nil {
			out[k] = buf.String()
		}
	}
	*d = out
	return nil
}

// Keys returns the detail names sorted, for stable rendering.
func (d Details) Keys() []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// OnDemandAnswer is a decoded provisionOnDemand answer.
type OnDemandAnswer struct {
	// Key is nil when "key" is not JSON (e.g. a .NET type name).
	Key     *OnDemandKey
	KeyText string
	Records []OnDemandRecord
}

// DecodeOnDemand decodes both JSON-in-string fields of a provisionOnDemand
// answer in every documented shape: value as an object, an array of
// objects, "{}" or empty; key as {"result",…} or an opaque type name.
func DecodeOnDemand(pair StringKeyStringValuePair) (*OnDemandAnswer, error) {
	ans := &OnDemandAnswer{KeyText: pair.Key}
	if k := strings.TrimSpace(pair.Key); strings.HasPrefix(k, "{") {
		var key OnDemandKey
		if err := json.Unmarshal([]byte(k), &key); err != nil {
			return nil, fmt.Errorf("provisionOnDemand key: %w", err)
		}
		ans.Key = &key
	}
	v := bytes.TrimSpace([]byte(pair.Value))
	switch {
	case len(v) == 0 || bytes.Equal(v, []byte("null")):
	case v[0] == '[':
		var recs []OnDemandRecord
		if err := json.Unmarshal(v, &recs); err != nil {
			return nil, fmt.Errorf("provisionOnDemand value: %w", err)
		}
		ans.Records = recs
	case v[0] == '{':
		var rec OnDemandRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, fmt.Errorf("provisionOnDemand value: %w", err)
		}
		if !isEmptyObject(v) {
			ans.Records = []OnDemandRecord{rec}
		}
	default:
		return nil, fmt.Errorf("provisionOnDemand value: expected JSON object or array, got %.40q", v)
	}
	return ans, nil
}

func isEmptyObject(b []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(b, &m) == nil && len(m) == 0
}
