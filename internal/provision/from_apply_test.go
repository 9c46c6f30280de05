package provision

import (
	"encoding/json"
	"testing"

	"github.com/provctl/provctl/internal/graph"
)

func applyFrom(t *testing.T, body string) *graph.ApplyResource {
	t.Helper()
	var res graph.ApplyResource
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	res.Raw = json.RawMessage(body)
	return &res
}

func TestFromApplyStates(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		want       State
		reasonCode string
	}{
		{"empty status object is pending", `{"id":"apply.J","templateId":"BoxOutDelta","status":{}}`, StatePending, ""},
		{"null status is pending", `{"id":"apply.J","status":null}`, StatePending, ""},
		{"no status is pending", `{"id":"apply.J"}`, StatePending, ""},
		{"running execution is pending", `{"status":{"code":"Active","lastExecution":{"state":"","timeBegan":"2026-11-28T10:00:00Z","timeEnded":""}}}`, StatePending, ""},
		{"never-ended zero time is pending", `{"status":{"code":"Active","lastExecution":{"timeBegan":"2026-11-28T10:00:00Z","timeEnded":"0001-01-01T00:00:00Z"}}}`, StatePending, ""},
		{"succeeded", `{"status":{"code":"Active","lastExecution":{"state":"Succeeded","timeBegan":"2026-11-28T10:00:00Z","timeEnded":"2026-11-28T10:00:03Z","countExported":"1","error":null}}}`, StateSuccess, ""},
		{"succeeded with error code None is success", `{"status":{"lastExecution":{"state":"Succeeded","timeEnded":"2026-11-28T10:00:03Z","error":{"code":"None","message":"","tenantActionable":false}}}}`, StateSuccess, ""},
		{"succeeded with RedundantExport is skipped", `{"status":{"lastExecution":{"state":"Succeeded","timeEnded":"2026-11-28T10:00:03Z","error":{"code":"RedundantExport","message":"already match"}}}}`, StateSkipped, "RedundantExport"},
		{"failed", `{"status":{"lastExecution":{"state":"Failed","timeEnded":"2026-11-28T10:00:03Z","error":{"code":"SystemForCrossDomainIdentityManagementBadResponse","message":"400"}}}}`, StateFailure, "SystemForCrossDomainIdentityManagementBadResponse"},
		{"entry level errors is warning", `{"status":{"lastExecution":{"state":"EntryLevelErrors","timeEnded":"2026-11-28T10:00:03Z"}}}`, StateWarning, ""},
		{"quarantine is failure even without execution", `{"status":{"code":"Quarantine","quarantine":{"currentBegan":"","reason":"","error":{"code":"SalesforceInvalidCredentials","message":"bad creds","tenantActionable":true}}}}`, StateFailure, "SalesforceInvalidCredentials"},
		{"quarantine wins over succeeded", `{"status":{"code":"Quarantine","lastExecution":{"state":"Succeeded","timeEnded":"2026-11-28T10:00:03Z"}}}`, StateFailure, "Quarantine"},
		{"unknown final state is warning", `{"status":{"lastExecution":{"state":"Mystery","timeEnded":"2026-11-28T10:00:03Z"}}}`, StateWarning, "UnknownState"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := FromApply("sp", "J", applyFrom(t, tt.body))
			if o.State != tt.want {
				t.Fatalf("state = %q, want %q", o.State, tt.want)
			}
			if o.Source != SourceApply || o.JobID != "J" || o.ServicePrincipalID != "sp" {
				t.Errorf("identity fields wrong: %+v", o)
			}
			got := ""
			if o.Reason != nil {
				got = o.Reason.Code.String()
			}
			if got != tt.reasonCode {
				t.Errorf("reason code = %q, want %q", got, tt.reasonCode)
			}
			if o.Steps == nil || o.ModifiedProperties == nil {
				t.Error("slices must be non-nil so JSON shows []")
			}
			if string(o.Raw) != tt.body {
				t.Errorf("raw not kept as received")
			}
		})
	}
}

func TestFromApplyCountsAndTimes(t *testing.T) {
	o := FromApply("sp", "J", applyFrom(t, `{"status":{"lastExecution":{"state":"Succeeded","timeBegan":"2026-11-28T10:00:00Z","timeEnded":"2026-11-28T10:00:03.5Z","countImported":2,"countExported":"1","countEscrowed":0,"countEntitled":1}}}`))
	if o.Counts == nil || o.Counts.Imported != 2 || o.Counts.Exported != 1 || o.Counts.Entitled != 1 {
		t.Fatalf("counts = %+v", o.Counts)
	}
	if o.StartedAt == nil || o.EndedAt == nil || o.EndedAt.Sub(*o.StartedAt).Seconds() != 3.5 {
		t.Fatalf("times = %v %v", o.StartedAt, o.EndedAt)
	}
}

func TestOutcomeJSONFieldNames(t *testing.T) {
	o := FromApply("sp", "J", applyFrom(t, `{"id":"apply.J","templateId":"T","status":{}}`))
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"servicePrincipalId", "jobId", "id", "templateId", "source", "state", "reason", "startedAt", "endedAt", "action", "subject", "steps", "modifiedProperties", "raw"} {
		if _, ok := m[k]; !ok {
			t.Errorf("field %q missing from %s", k, b)
		}
	}
	if string(m["steps"]) != "[]" || string(m["reason"]) != "null" {
		t.Errorf("steps=%s reason=%s", m["steps"], m["reason"])
	}
}
