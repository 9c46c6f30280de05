package provision

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph"
)

func logOutcome(t *testing.T, raw string) *Outcome {
	t.Helper()
	var e graph.ProvisioningObjectSummary
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		t.Fatal(err)
	}
	return FromLog("sp", &e, json.RawMessage(raw))
}

// Some tenants and older beta paths send action and statusInfo (a
// statusDetails) instead of provisioningAction and provisioningStatusInfo.
func TestFromLogOldShape(t *testing.T) {
	o := logOutcome(t, `{"id":"l1","jobId":"J","changeId":"c1","activityDateTime":"2026-11-28T10:00:00Z",
"action":"Create",
"statusInfo":{"@odata.type":"#microsoft.graph.statusDetails","status":"failure","errorCode":"BoxEntryConflict",
  "reason":"Box answered HTTP status code 409: the user already exists.","errorCategory":"nonServiceFailure",
  "recommendedAction":"Match the existing user or remove it from Box.","additionalDetails":"conflict on login"},
"provisioningSteps":[{"name":"EntryImportAdd","provisioningStepType":"import","status":"success"},
  {"name":"EntryExportAdd","provisioningStepType":"export","status":"failure","description":"Failed to create User"}]}`)
	if o.State != StateFailure || o.Action != "create" {
		t.Fatalf("state %q action %q", o.State, o.Action)
	}
	if o.Reason == nil || o.Reason.Code != "BoxEntryConflict" || !strings.Contains(o.Reason.Message.String(), "409") ||
		o.Reason.RecommendedAction != "Match the existing user or remove it from Box." {
		t.Fatalf("reason = %+v", o.Reason)
	}
}

// A skipped entry carries errorInformation null: the reason is only in the
// skip step's details, and a step name is never taken for a code.
func TestFromLogSkippedReasonFromStep(t *testing.T) {
	o := logOutcome(t, `{"id":"l2","jobId":"J","activityDateTime":"2026-11-28T10:00:00Z","provisioningAction":"other",
"provisioningStatusInfo":{"status":"skipped","errorInformation":null},
"provisioningSteps":[{"name":"EntryImport","provisioningStepType":"import","status":"success","description":"Retrieved User 'adele@contoso.test' from Azure Active Directory"},
  {"name":"EntrySynchronizationSkip","provisioningStepType":"export","status":"skipped",
   "description":"The state of the user in both the source and target systems already match.",
   "details":{"SkipReason":"RedundantExport","ReportableIdentifier":"adele@contoso.test"}}],
"sourceIdentity":{"id":"u1","displayName":"","identityType":"User","details":{"DisplayName":"Adele Vance","id":"u1","odatatype":"User","UserPrincipalName":"adele@contoso.test"}}}`)
	if o.State != StateSkipped || o.Reason == nil || o.Reason.Code != "RedundantExport" ||
		!strings.HasPrefix(o.Reason.Message.String(), "The state of the user") {
		t.Fatalf("state %q reason %+v", o.State, o.Reason)
	}
	if o.Subject == nil || o.Subject.DisplayName != "adele@contoso.test" || o.Subject.Type != "User" {
		t.Fatalf("subject = %+v", o.Subject)
	}
}

func TestFromLogNeverUsesStepNameAsCode(t *testing.T) {
	o := logOutcome(t, `{"provisioningStatusInfo":{"status":"failure","errorInformation":null},
"provisioningSteps":[{"name":"EntryExportAdd","provisioningStepType":"export","status":"failure","description":"Failed"}]}`)
	if o.Reason == nil || o.Reason.Code != "" || o.Reason.Message != "Failed" {
		t.Fatalf("reason = %+v", o.Reason)
	}
	b, _ := json.Marshal(o.Reason)
	if string(b) != `{"code":null,"message":"Failed","recommendedAction":null}` {
		t.Fatalf("reason JSON = %s", b)
	}
}

// Cloud sync names the type in lower case and the subject by its AD DN.
func TestFromLogCloudSyncSubject(t *testing.T) {
	o := logOutcome(t, `{"provisioningStatusInfo":{"status":"success"},
"sourceIdentity":{"id":"CN=Adele Vance,OU=Users,DC=contoso,DC=test","identityType":"user","details":{}}}`)
	if o.Subject.ID != "CN=Adele Vance,OU=Users,DC=contoso,DC=test" || o.Subject.Type != "User" || o.Reason != nil {
		t.Fatalf("outcome = %+v", o)
	}
}

// docs/output.md: every field present, null when unknown, never "".
func TestOutcomeUnknownFieldsAreNull(t *testing.T) {
	o := (&Outcome{ServicePrincipalID: "sp", JobID: "J", Source: SourceProvisioningLogs, State: StateSkipped, Reason: &Reason{Code: "X"}}).normalize()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "templateId", "changeId", "action", "subject", "startedAt", "endedAt", "counts"} {
		if v, ok := m[k]; !ok || v != nil {
			t.Errorf("%s = %#v, want null", k, v)
		}
	}
	if r := m["reason"].(map[string]any); r["recommendedAction"] != nil || r["message"] != nil || r["code"] != "X" {
		t.Errorf("reason = %v", r)
	}
	if s, ok := m["members"].([]any); !ok || len(s) != 0 {
		t.Errorf("members = %#v, want []", m["members"])
	}
	var back Outcome
	if err := json.Unmarshal(b, &back); err != nil || back.Reason.Code != "X" || back.ID != "" {
		t.Fatalf("round trip: %+v %v", back, err)
	}
}
