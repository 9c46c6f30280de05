package provision

import (
	"encoding/json"
	"testing"

	"github.com/provctl/provctl/internal/graph"
)

// Doc example 1 of provisionOnDemand (Microsoft Graph reference), abridged.
const example1Key = `{"result":"Skipped","details":{"errorCode":"RedundantExport","errorMessage":"The state of the user in both the source and target systems already match."}}`
const example1Value = `{"action":"Other","changeId":"g8ba3be8-ab6c-4e4a-b1c5-2ab4e9c4d2f1","startTime":"2020-06-26T13:58:24.5494971Z","endTime":"2020-06-26T13:58:24.7682084Z","reportableIdentifier":"BillBob@contoso.com",
"modifiedProperties":[{"displayName":"accountEnabled","oldValue":null,"newValue":"True"}],
"provisioningSteps":[
{"name":"EntryImport","type":"Import","status":"Success","description":"Retrieved User 'BillBob@contoso.com' from Azure Active Directory","timestamp":"2020-06-26T13:58:24.5494971Z","details":{"objectId":"62cf","accountEnabled":"True"}},
{"name":"EntryImport","type":"Matching","status":"Success","description":"Retrieved  'BillBob@contoso.com' from customappsso","timestamp":"2020-06-26T13:58:24.6Z","details":{"id":"5250"}},
{"name":"EntrySynchronizationScoping","type":"Scoping","status":"Success","description":"Determine if User in scope","timestamp":"2020-06-26T13:58:24.6Z","details":{"IsActive":"True","Assigned":"True","ScopeEvaluationResult":"{}"}},
{"name":"EntrySynchronizationSkip","type":"Export","status":"Skipped","description":"The state of the user in both the source and target systems already match.","timestamp":"2020-06-26T13:58:24.7Z","details":{"SkipReason":"RedundantExport"}}],
"statusInfo":{"status":"Skipped","errorCode":null,"reason":null,"additionalDetails":null,"errorCategory":null,"recommendedAction":null},
"sourceIdentity":{"id":"62cf","type":"User","displayName":null,"details":null},
"sourceSystem":{"id":null,"name":"Azure Active Directory","details":null},
"targetIdentity":{"id":"5250","type":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","displayName":null,"details":null},
"targetSystem":{"id":null,"name":"customappsso","details":null}}`

func decodeOnDemand(t *testing.T, key, value string) *Outcome {
	t.Helper()
	ans, err := graph.DecodeOnDemand(graph.StringKeyStringValuePair{Key: key, Value: value})
	if err != nil {
		t.Fatal(err)
	}
	return FromOnDemand("sp", "job", ans, json.RawMessage(`{}`))
}

func TestFromOnDemandExample1Skipped(t *testing.T) {
	o := decodeOnDemand(t, example1Key, example1Value)
	if o.State != StateSkipped {
		t.Fatalf("state = %s", o.State)
	}
	if o.Reason == nil || o.Reason.Code != "RedundantExport" || o.Reason.Message == "" {
		t.Fatalf("reason = %+v", o.Reason)
	}
	if len(o.Steps) != 4 || o.Steps[3].Type != "export" || o.Steps[3].Status != "skipped" {
		t.Fatalf("steps = %+v", o.Steps)
	}
	if o.Steps[3].Details["SkipReason"] != "RedundantExport" {
		t.Errorf("details lost: %+v", o.Steps[3].Details)
	}
	if o.Subject == nil || o.Subject.DisplayName != "BillBob@contoso.com" || o.Subject.ID != "62cf" {
		t.Errorf("subject = %+v", o.Subject)
	}
	if o.ChangeID == "" || o.Action != "other" {
		t.Errorf("change %q action %q", o.ChangeID, o.Action)
	}
	if len(o.ModifiedProperties) != 1 || o.ModifiedProperties[0].OldValue != nil || *o.ModifiedProperties[0].NewValue != "True" {
		t.Errorf("modified = %+v", o.ModifiedProperties)
	}
}

func TestFromOnDemandShapes(t *testing.T) {
	tests := []struct {
		name, key, value string
		want             State
		steps            int
	}{
		{"group: value is {}", `{"result":"Success","details":{}}`, `{}`, StateSuccess, 0},
		{"cloud sync success", `{"result":"Success","details":{}}`, `{"action":"Update","statusInfo":{"status":"Success"},"modifiedProperties":[{"displayName":"displayName","newValue":"Adele"}],"provisioningSteps":[{"name":"EntryExportUpdate","type":"Export","status":"Success","description":"User was updated","details":{"nested":"{\"a\":\"b\"}"}}]}`, StateSuccess, 1},
		{"type-name key, array value, failure step", `Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo`, `[{"provisioningSteps":[{"name":"EntryImport","type":"Import","status":"Success"},{"name":"EntryExportAdd","type":"Export","status":"Failure","description":"HTTP 409"}]}]`, StateFailure, 2},
		{"type-name key, statusInfo warning", `SomeType`, `{"statusInfo":{"status":"Warning"},"provisioningSteps":[]}`, StateWarning, 0},
		{"no steps and no result is pending", `opaque`, ``, StatePending, 0},
		{"failure result", `{"result":"Failure","details":{"errorCode":"SalesforceInvalidCredentials","errorMessage":"bad"}}`, `{}`, StateFailure, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := decodeOnDemand(t, tt.key, tt.value)
			if o.State != tt.want || len(o.Steps) != tt.steps {
				t.Fatalf("state %s steps %d, want %s %d", o.State, len(o.Steps), tt.want, tt.steps)
			}
			if o.State == StateFailure && (o.Reason == nil || (o.Reason.Code == "" && o.Reason.Message == "")) {
				t.Errorf("failure without reason: %+v", o.Reason)
			}
		})
	}
}

func TestFromLog(t *testing.T) {
	raw := `{"id":"log1","activityDateTime":"2026-11-28T10:00:00Z","changeId":"c1","jobId":"J","durationInMilliseconds":1500,
"provisioningAction":"create","provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"ContosoEntryConflict","reason":"HTTP status code 409","errorCategory":"nonServiceFailure","recommendedAction":"fix it"}},
"provisioningSteps":[{"name":"EntryImportAdd","provisioningStepType":"import","status":"success"},{"name":"EntryExportAdd","provisioningStepType":"export","status":"failure","description":"conflict"}],
"servicePrincipal":{"id":"sp","displayName":"Box"},"sourceIdentity":{"id":"u1","displayName":"Adele","identityType":"User","details":{}}}`
	var e graph.ProvisioningObjectSummary
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		t.Fatal(err)
	}
	o := FromLog("", &e, json.RawMessage(raw))
	if o.State != StateFailure || o.Reason.Code != "ContosoEntryConflict" || o.Reason.RecommendedAction != "fix it" {
		t.Fatalf("outcome = %+v reason %+v", o, o.Reason)
	}
	if o.ServicePrincipalID != "sp" || o.Source != SourceProvisioningLogs || o.Action != "create" {
		t.Errorf("fields: %+v", o)
	}
	if o.EndedAt == nil || o.EndedAt.Sub(*o.StartedAt).Milliseconds() != 1500 {
		t.Errorf("ended = %v", o.EndedAt)
	}
	if o.Subject == nil || o.Subject.ID != "u1" {
		t.Errorf("subject = %+v", o.Subject)
	}
}
