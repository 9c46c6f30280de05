package graph

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The documented provisionOnDemand answers (docs/graph.md), at the "decoded once"
// level: key and value are the JSON texts that the outer body carries as
// strings. onDemandBody wraps them into the outer body Graph sends.

const ex1Key = `{"result":"Skipped","details":{"errorCode":"RedundantExport","errorMessage":"The state of the user in both the source and target systems already match."}}`

const ex1Value = `{"action":"Other","changeId":"g8ba3be8-3f6b-4e4e-9a2c-1d9b8c3c0f10","cycleId":"c0e1","startTime":"2020-06-26T13:58:24.5494971Z","endTime":"2020-06-26T13:58:24.7682084Z",
 "reportableIdentifier":"BillBob@contoso.com",
 "modifiedProperties":[{"displayName":"accountEnabled","oldValue":null,"newValue":"True"},{"displayName":"userName","oldValue":null,"newValue":"BillBob@contoso.com"}],
 "provisioningSteps":[
  {"name":"EntryImport","type":"Import","status":"Success","description":"Retrieved User 'BillBob@contoso.com' from Azure Active Directory","timestamp":"2020-06-26T13:58:24.5513435Z","details":{"objectId":"62cf1a2c-8ae2-4c3f-9b1b-1bd5a8e6d0a3","accountEnabled":"True"}},
  {"name":"EntryImport","type":"Matching","status":"Success","description":"Retrieved  'BillBob@contoso.com' from customappsso","timestamp":"2020-06-26T13:58:24.6151021Z","details":{"id":"5250b3a6-a5b9-4a44-8ac0-0c7b7e5f1b9d","userName":"BillBob@contoso.com"}},
  {"name":"EntrySynchronizationScoping","type":"Scoping","status":"Success","description":"Determine if User in scope by evaluating against each scoping filter","timestamp":"2020-06-26T13:58:24.6151021Z","details":{"IsActive":"True","Assigned":"True","ScopeEvaluationResult":"{}"}},
  {"name":"EntrySynchronizationSkip","type":"Export","status":"Skipped","description":"The state of the user in both the source and target systems already match. No change will be made.","timestamp":"2020-06-26T13:58:24.7682084Z","details":{"SkipReason":"RedundantExport"}}],
 "statusInfo":{"status":"Skipped","errorCode":null,"reason":null,"additionalDetails":null,"errorCategory":null,"recommendedAction":null},
 "sourceIdentity":{"id":"62cf1a2c-8ae2-4c3f-9b1b-1bd5a8e6d0a3","type":"User","displayName":null,"details":null},
 "sourceSystem":{"id":null,"name":"Azure Active Directory","details":null},
 "targetIdentity":{"id":"5250b3a6-a5b9-4a44-8ac0-0c7b7e5f1b9d","type":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","displayName":null,"details":null},
 "targetSystem":{"id":null,"name":"customappsso","details":null}}`

const ex2Key = `{"result":"Success","details":{}}`

// Cloud sync: details values are strings, some of them nested JSON.
const ex2Value = `{"action":"Update","changeId":"1f5a","startTime":"2021-05-18T19:03:10Z","endTime":"2021-05-18T19:03:12Z","reportableIdentifier":"AdeleV",
 "modifiedProperties":[{"displayName":"displayName","newValue":"Adele Vance"},{"displayName":"proxyAddresses","newValue":"[\"SMTP:adele@contoso.com\"]"}],
 "provisioningSteps":[
  {"name":"EntryImportAdd","type":"Import","status":"Success","description":"Received User 'AdeleV' change of type (Add) from Active Directory","timestamp":"2021-05-18T19:03:10.1Z","details":{"SourceAnchor":"b1a2","ExportedAttributes":"{\"displayName\":\"Adele Vance\",\"mail\":\"adele@contoso.com\"}"}},
  {"name":"EntryImport","type":"Import","status":"Success","description":"Retrieved user 'AdeleV' from Azure Active Directory","timestamp":"2021-05-18T19:03:10.5Z","details":{}},
  {"name":"EntrySynchronizationScoping","type":"Scoping","status":"Success","description":"Determine if User in scope","timestamp":"2021-05-18T19:03:11Z","details":{"Active in the source system":"True","ScopeEvaluationResult":"{\"Filters\":[{\"Name\":\"a\",\"Result\":\"Passed\"}]}"}},
  {"name":"EntryExportUpdate","type":"Export","status":"Success","description":"User 'AdeleV' was updated in Azure Active Directory","timestamp":"2021-05-18T19:03:12Z","details":{}}],
 "statusInfo":{"status":"Success"},
 "sourceIdentity":{"id":"CN=AdeleV,CN=Users,DC=contoso,DC=com","type":"user"},
 "sourceSystem":{"name":"Active Directory"},
 "targetIdentity":{"id":"9bb0f679-a883-4a6f-8260-35b491b8b8c8","type":"User"},
 "targetSystem":{"name":"Azure Active Directory"}}`

const crossTenantKey = `Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo`

const crossTenantValue = `[{"provisioningSteps":[{"name":"EntryImport","type":"Import","status":"Success","description":"Retrieved User 'Alice' from Contoso","timestamp":"2023-02-07T19:20:21.0496281Z","details":{}},{"name":"EntryExportAdd","type":"Export","status":"Success","description":"User 'Alice' was created in Fabrikam","timestamp":"2023-02-07T19:20:22Z","details":{}}],"statusInfo":{"status":"Success"},"action":"Create"}]`

// onDemandBody is the outer body Graph sends, with key and value encoded as
// JSON strings.
func onDemandBody(t testing.TB, context, key, value string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]string{"@odata.context": context, "key": key, "value": value})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeOuter(t testing.TB, body []byte) *OnDemandAnswer {
	t.Helper()
	var pair StringKeyStringValuePair
	if err := json.Unmarshal(body, &pair); err != nil {
		t.Fatal(err)
	}
	ans, err := DecodeOnDemand(pair)
	if err != nil {
		t.Fatalf("DecodeOnDemand: %v", err)
	}
	return ans
}

func TestDecodeOnDemandExample1(t *testing.T) {
	t.Parallel()
	ans := decodeOuter(t, onDemandBody(t, "https://graph.microsoft.com/beta/$metadata#microsoft.graph.stringKeyStringValuePair", ex1Key, ex1Value))
	if ans.Key == nil || ans.Key.Result != "Skipped" || ans.Key.Details.ErrorCode != "RedundantExport" ||
		!strings.HasPrefix(string(ans.Key.Details.ErrorMessage), "The state of the user") || ans.KeyText != ex1Key {
		t.Errorf("key %+v", ans.Key)
	}
	if len(ans.Records) != 1 {
		t.Fatalf("%d records", len(ans.Records))
	}
	r := ans.Records[0]
	if r.Action != "Other" || r.ChangeID != "g8ba3be8-3f6b-4e4e-9a2c-1d9b8c3c0f10" || r.ReportableIdentifier != "BillBob@contoso.com" {
		t.Errorf("record %+v", r)
	}
	if !r.EndTime.Equal(time.Date(2020, 6, 26, 13, 58, 24, 768208400, time.UTC)) || r.StartTime.IsZero() {
		t.Errorf("times %v %v", r.StartTime, r.EndTime)
	}
	if len(r.ModifiedProperties) != 2 || r.ModifiedProperties[0].DisplayName != "accountEnabled" ||
		r.ModifiedProperties[0].OldValue != nil || r.ModifiedProperties[0].NewValue == nil || *r.ModifiedProperties[0].NewValue != "True" {
		t.Errorf("modifiedProperties %+v", r.ModifiedProperties)
	}
	if len(r.ProvisioningSteps) != 4 {
		t.Fatalf("%d steps", len(r.ProvisioningSteps))
	}
	wantSteps := [][3]Text{
		{"EntryImport", "Import", "Success"}, {"EntryImport", "Matching", "Success"},
		{"EntrySynchronizationScoping", "Scoping", "Success"}, {"EntrySynchronizationSkip", "Export", "Skipped"},
	}
	for i, s := range r.ProvisioningSteps {
		if got := [3]Text{s.Name, s.Type, s.Status}; got != wantSteps[i] {
			t.Errorf("step %d = %v, want %v", i, got, wantSteps[i])
		}
		if s.Timestamp.IsZero() || s.Description == "" {
			t.Errorf("step %d: %+v", i, s)
		}
	}
	if d := r.ProvisioningSteps[2].Details; d["ScopeEvaluationResult"] != "{}" || d["IsActive"] != "True" {
		t.Errorf("scoping details %v", d)
	}
	if r.ProvisioningSteps[3].Details["SkipReason"] != "RedundantExport" {
		t.Errorf("skip details %v", r.ProvisioningSteps[3].Details)
	}
	if si := r.StatusInfo; si == nil || *si != (StatusDetails{Status: "Skipped"}) {
		t.Errorf("statusInfo %+v", si)
	}
	if r.SourceIdentity.Type != "User" || r.SourceIdentity.DisplayName != "" || r.SourceSystem.Name != "Azure Active Directory" ||
		r.SourceSystem.ID != "" || r.TargetSystem.Name != "customappsso" ||
		r.TargetIdentity.Type != "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" {
		t.Errorf("identities %+v %+v %+v %+v", r.SourceIdentity, r.SourceSystem, r.TargetIdentity, r.TargetSystem)
	}
}

func TestDecodeOnDemandExample2CloudSync(t *testing.T) {
	t.Parallel()
	ans := decodeOuter(t, onDemandBody(t, "https://syncfabric.windowsazure.com/api/$metadata#microsoft.synchronization.stringKeyStringValuePair", ex2Key, ex2Value))
	if ans.Key == nil || ans.Key.Result != "Success" || ans.Key.Details.ErrorCode != "" {
		t.Errorf("key %+v", ans.Key)
	}
	if len(ans.Records) != 1 {
		t.Fatalf("%d records", len(ans.Records))
	}
	r := ans.Records[0]
	if r.Action != "Update" || r.StatusInfo == nil || r.StatusInfo.Status != "Success" {
		t.Errorf("record %+v", r)
	}
	for _, p := range r.ModifiedProperties {
		if p.OldValue != nil || p.NewValue == nil {
			t.Errorf("modifiedProperty %+v", p)
		}
	}
	if got := *r.ModifiedProperties[1].NewValue; got != `["SMTP:adele@contoso.com"]` {
		t.Errorf("proxyAddresses %q", got)
	}
	if len(r.ProvisioningSteps) != 4 || r.ProvisioningSteps[3].Name != "EntryExportUpdate" || r.ProvisioningSteps[3].Type != "Export" {
		t.Fatalf("steps %+v", r.ProvisioningSteps)
	}
	// Nested JSON strings stay as text, decodable once more.
	exported := r.ProvisioningSteps[0].Details["ExportedAttributes"]
	var attrs map[string]string
	if err := json.Unmarshal([]byte(exported), &attrs); err != nil || attrs["displayName"] != "Adele Vance" {
		t.Errorf("ExportedAttributes %q: %v", exported, err)
	}
	if r.SourceIdentity.ID != "CN=AdeleV,CN=Users,DC=contoso,DC=com" || r.SourceIdentity.Type != "user" {
		t.Errorf("source %+v", r.SourceIdentity)
	}
}

func TestDecodeOnDemandShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		key, value  string
		wantKey     bool
		wantResult  Text
		wantRecords int
		wantErr     string
	}{
		{name: "example 3: group, value {}", key: ex2Key, value: `{}`, wantKey: true, wantResult: "Success", wantRecords: 0},
		{name: "value {} with spaces", key: ex2Key, value: " { } ", wantKey: true, wantResult: "Success", wantRecords: 0},
		{name: "cross-tenant: .NET type name key, array value", key: crossTenantKey, value: crossTenantValue, wantRecords: 1},
		{name: "empty value", key: ex2Key, value: "", wantKey: true, wantResult: "Success"},
		{name: "null value", key: ex2Key, value: "null", wantKey: true, wantResult: "Success"},
		{name: "empty key and value", key: "", value: ""},
		{name: "empty array", key: crossTenantKey, value: "[]"},
		{name: "array of two", key: crossTenantKey, value: "[" + ex1Value + "," + ex2Value + "]", wantRecords: 2},
		{name: "key with whitespace", key: "  " + ex1Key + "\n", value: ex1Value, wantKey: true, wantResult: "Skipped", wantRecords: 1},
		{name: "malformed key", key: `{"result":`, value: ex1Value, wantErr: "provisionOnDemand key"},
		{name: "key of wrong type", key: `{"result":"Success","details":[1]}`, value: "{}", wantErr: "provisionOnDemand key"},
		{name: "malformed value object", key: ex2Key, value: `{"action":`, wantErr: "provisionOnDemand value"},
		{name: "malformed value array", key: ex2Key, value: `[{"action":"x"`, wantErr: "provisionOnDemand value"},
		{name: "value array of strings", key: ex2Key, value: `["a"]`, wantErr: "provisionOnDemand value"},
		{name: "value plain text", key: ex2Key, value: `Success`, wantErr: "expected JSON object or array"},
		{name: "value number", key: ex2Key, value: `42`, wantErr: "expected JSON object or array"},
		{name: "value with trailing garbage", key: ex2Key, value: `{} {}`, wantErr: "provisionOnDemand value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ans, err := DecodeOnDemand(StringKeyStringValuePair{Key: tt.key, Value: tt.value})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (ans.Key != nil) != tt.wantKey || ans.KeyText != tt.key {
				t.Errorf("key %+v text %q", ans.Key, ans.KeyText)
			}
			if ans.Key != nil && ans.Key.Result != tt.wantResult {
				t.Errorf("result %q", ans.Key.Result)
			}
			if len(ans.Records) != tt.wantRecords {
				t.Errorf("%d records, want %d", len(ans.Records), tt.wantRecords)
			}
		})
	}
}

func TestDecodeOnDemandCrossTenantRecord(t *testing.T) {
	t.Parallel()
	ans, err := DecodeOnDemand(StringKeyStringValuePair{Key: crossTenantKey, Value: crossTenantValue})
	if err != nil {
		t.Fatal(err)
	}
	r := ans.Records[0]
	if r.Action != "Create" || len(r.ProvisioningSteps) != 2 || r.ProvisioningSteps[1].Name != "EntryExportAdd" || r.StatusInfo.Status != "Success" {
		t.Errorf("%+v", r)
	}
}

func TestOnDemandRequestShape(t *testing.T) {
	t.Parallel()
	req := OnDemandRequest{Parameters: []OnDemandParameters{{
		RuleID: "33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8#V2",
		Subjects: []OnDemandSubject{{ObjectID: "g1", ObjectTypeName: "Group", Links: &OnDemandLinks{Members: []OnDemandSubject{
			{ObjectID: "u1", ObjectTypeName: "User"}, {ObjectID: "u2", ObjectTypeName: "User"}}}}},
	}}}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"parameters":[{"ruleId":"33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8#V2","subjects":[{"objectId":"g1","objectTypeName":"Group","links":{"members":[{"objectId":"u1","objectTypeName":"User"},{"objectId":"u2","objectTypeName":"User"}]}}]}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

// The fuzz seeds must themselves decode: they are the shapes, compacted.
func TestOnDemandFuzzSeedsDecode(t *testing.T) {
	t.Parallel()
	for i, s := range onDemandSeeds[:6] {
		if _, err := DecodeOnDemand(StringKeyStringValuePair{Key: s[0], Value: s[1]}); err != nil {
			t.Errorf("seed %d: %v", i, err)
		}
	}
}

// An odd timestamp must not lose the result: it reads as unknown.
func TestDecodeOnDemandBadTimestampKeepsResult(t *testing.T) {
	ans, err := DecodeOnDemand(StringKeyStringValuePair{Key: `{"result":"Success"}`, Value: `{"endTime":"soon","provisioningSteps":[{"name":"EntryImport","timestamp":"later"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Records) != 1 || !ans.Records[0].EndTime.IsZero() || len(ans.Records[0].ProvisioningSteps) != 1 {
		t.Fatalf("records = %+v", ans.Records)
	}
}
