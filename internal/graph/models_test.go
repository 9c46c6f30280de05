package graph

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// getJobDocExample is the v1.0 "Get synchronizationJob" doc example: a
// Salesforce job in quarantine whose
// quarantine carries empty strings in timestamp and enum fields.
const getJobDocExample = `{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('60443998-8cf7-4e61-b05c-a53b658cb5e1')/synchronization/jobs/$entity",
  "id": "SfSandboxOutDelta.e4bbf44533ea4eabb17027f3a92e92aa",
  "templateId": "SfSandboxOutDelta",
  "schedule": {
    "expiration": null,
    "interval": "PT20M",
    "state": "Active"
  },
  "status": {
    "code": "Quarantine",
    "countSuccessiveCompleteFailures": 0,
    "escrowsPruned": false,
    "lastExecution": {
      "activityIdentifier": null,
      "countEntitled": 0,
      "countEntitledForProvisioning": 0,
      "countEscrowed": 0,
      "countEscrowedRaw": 0,
      "countExported": 0,
      "countExports": 0,
      "countImported": 0,
      "countImportedDeltas": 0,
      "countImportedReferenceDeltas": 0,
      "state": "Failed",
      "error": {
        "code": "SalesforceInvalidCredentials",
        "message": "Your Salesforce credentials are invalid or have expired.",
        "tenantActionable": true
      },
      "timeBegan": "2021-02-23T19:23:26.3355554Z",
      "timeEnded": "2021-02-23T19:23:27.6543210Z"
    },
    "lastSuccessfulExecution": null,
    "lastSuccessfulExecutionWithExports": null,
    "progress": [],
    "quarantine": {
      "currentBegan": "",
      "nextAttempt": "2021-02-24T07:23:26Z",
      "reason": "",
      "seriesBegan": "",
      "seriesCount": 1,
      "error": {
        "code": "SalesforceInvalidCredentials",
        "message": "Your Salesforce credentials are invalid or have expired.",
        "tenantActionable": true
      }
    },
    "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
    "steadyStateLastAchievedTime": "0001-01-01T00:00:00Z",
    "synchronizedEntryCountByType": [],
    "troubleshootingUrl": ""
  },
  "synchronizationJobSettings": [
    {"name": "QuarantineTooManyDeletesThreshold", "value": "500"},
    {"name": "LookaheadQueryEnabled", "value": "true"}
  ]
}`

func TestDecodeGetJobDocExample(t *testing.T) {
	t.Parallel()
	var job SynchronizationJob
	if err := json.Unmarshal([]byte(getJobDocExample), &job); err != nil {
		t.Fatal(err)
	}
	if job.ID != "SfSandboxOutDelta.e4bbf44533ea4eabb17027f3a92e92aa" || job.TemplateID != "SfSandboxOutDelta" {
		t.Errorf("ids %q %q", job.ID, job.TemplateID)
	}
	if job.Schedule == nil || job.Schedule.Interval != "PT20M" || job.Schedule.State != "Active" || !job.Schedule.Expiration.IsZero() {
		t.Errorf("schedule %+v", job.Schedule)
	}
	st := job.Status
	if st == nil || st.Code != "Quarantine" || st.TroubleshootingURL != "" {
		t.Fatalf("status %+v", st)
	}
	if !st.SteadyStateFirstAchievedTime.IsZero() || !st.SteadyStateLastAchievedTime.IsZero() {
		t.Errorf("steady state not 'never': %v", st.SteadyStateFirstAchievedTime)
	}
	q := st.Quarantine
	if q == nil {
		t.Fatal("no quarantine")
	}
	if !q.CurrentBegan.IsZero() || !q.SeriesBegan.IsZero() || q.Reason != "" || q.SeriesCount != 1 {
		t.Errorf("quarantine %+v", q)
	}
	if !q.NextAttempt.Equal(time.Date(2021, 2, 24, 7, 23, 26, 0, time.UTC)) {
		t.Errorf("nextAttempt %v", q.NextAttempt)
	}
	want := &SyncError{Code: "SalesforceInvalidCredentials", Message: "Your Salesforce credentials are invalid or have expired.", TenantActionable: true}
	if !reflect.DeepEqual(q.Error, want) {
		t.Errorf("quarantine error %+v", q.Error)
	}
	le := st.LastExecution
	if le == nil || le.State != "Failed" || !reflect.DeepEqual(le.Error, want) ||
		!le.TimeBegan.Equal(time.Date(2021, 2, 23, 19, 23, 26, 335555400, time.UTC)) {
		t.Errorf("lastExecution %+v", le)
	}
	if st.LastSuccessfulExecution != nil || st.LastSuccessfulExecutionWithExports != nil {
		t.Error("null executions decoded as non-nil")
	}
	if len(job.Settings) != 2 || job.Settings[0] != (KeyValue{"QuarantineTooManyDeletesThreshold", "500"}) {
		t.Errorf("settings %+v", job.Settings)
	}
}

func TestDecodeJobVariants(t *testing.T) {
	t.Parallel()
	// A new job (TimeSpan.MaxValue interval, never run, error code None),
	// counters as strings (IEEE754Compatible), a flag-enum reason as a
	// number, and an empty status object.
	const body = `{"value":[
	 {"id":"aws.74beb1753b704b63b8d56f0b76082b16.10a7a801-5dd5-4b9a-8ee6-0e3ee3a53de7","templateId":"aws",
	  "schedule":{"expiration":"","interval":"P10675199DT2H48M5.4775807S","state":"Disabled"},
	  "status":{"code":"NotRun","countSuccessiveCompleteFailures":"3",
	    "lastExecution":{"countImported":"12","countExported":7,"countEscrowed":"","state":"Succeeded",
	      "error":{"code":"None","message":null,"tenantActionable":false},
	      "timeBegan":"0001-01-01T00:00:00Z","timeEnded":"0001-01-01T00:00:00Z"},
	    "progress":[{"completedUnits":"5","totalUnits":10,"units":"Users","progressObservationDateTime":"2021-05-18T19:03:10"}],
	    "quarantine":{"reason":64,"seriesCount":null},
	    "synchronizedEntryCountByType":[{"key":"user to user","value":"1234"}],
	    "troubleshootingUrl":null}},
	 {"id":"x.1","templateId":"x","status":{}}]}`
	var page struct {
		Value []SynchronizationJob `json:"value"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	j := page.Value[0]
	if j.Schedule.State != "Disabled" || !j.Schedule.Expiration.IsZero() {
		t.Errorf("schedule %+v", j.Schedule)
	}
	st := j.Status
	// Both times "never": no execution, whatever else it says.
	if st.CountSuccessiveCompleteFailures != 3 || st.LastExecution != nil {
		t.Errorf("status %+v / %+v", st, st.LastExecution)
	}
	if st.Quarantine.Reason != "64" || st.Progress[0].CompletedUnits != 5 || st.SynchronizedEntryCountByType[0].Value != 1234 {
		t.Errorf("quarantine %+v progress %+v", st.Quarantine, st.Progress)
	}
	if empty := page.Value[1].Status; empty == nil || !reflect.DeepEqual(*empty, SynchronizationStatus{}) {
		t.Errorf("empty status %+v", empty)
	}
}

func TestApplyResourceKeepsRaw(t *testing.T) {
	t.Parallel()
	const body = `{"id":"apply.BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6","templateId":"BoxOutDelta","status":{}}`
	var res ApplyResource
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if res.ID != "apply.BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6" || res.TemplateID != "BoxOutDelta" ||
		res.Status == nil || string(res.Raw) != body {
		t.Errorf("%+v", res)
	}
	out, err := json.Marshal(res)
	if err != nil || !json.Valid(out) {
		t.Errorf("marshal %s %v", out, err)
	}
	var none ApplyResource
	if err := json.Unmarshal([]byte(`null`), &none); err != nil || none.Raw != nil {
		t.Errorf("null: %+v %v", none, err)
	}
	if err := json.Unmarshal([]byte(`{"id":5}`), &none); err == nil {
		t.Error("bad id type accepted")
	}
}

func TestDecodeProvisioningLog(t *testing.T) {
	t.Parallel()
	const entry = `{
	  "id":"75b5b0d7-1d8b-4d4a-9a8e-6f2e8c3b9c01","activityDateTime":"2019-06-24T20:53:08Z",
	  "changeId":"c1","cycleId":"cy1","durationInMilliseconds":"1301","jobId":"aws.74beb1753b704b63b8d56f0b76082b16.10a7a801",
	  "tenantId":"t1","initiatedBy":{"id":"","displayName":"Azure AD Provisioning Service","initiatorType":"system"},
	  "modifiedProperties":[{"displayName":"accountEnabled","oldValue":null,"newValue":"True"}],
	  "provisioningAction":"create",
	  "provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"ContosoEntryConflict",
	    "reason":"Message: HTTP status code 409","errorCategory":"nonServiceFailure","additionalDetails":null,"recommendedAction":null}},
	  "provisioningSteps":[
	    {"name":"EntryImportAdd","provisioningStepType":"import","status":"success","description":"Received User 'x'","details":{}},
	    {"name":"EntrySynchronizationAdd","provisioningStepType":"matching","status":"success","description":"","details":{"a":"b"}},
	    {"name":"EntryExportAdd","provisioningStepType":"export","status":"failure","description":"Failed","details":null}],
	  "servicePrincipal":SP,
	  "sourceIdentity":{"id":"s","displayName":"Adele","identityType":"User","details":{}},
	  "targetIdentity":{"id":"","displayName":"","identityType":"urn:ietf:params:scim:schemas:core:2.0:User","details":{}},
	  "sourceSystem":{"id":"","displayName":"Azure Active Directory","details":{}},
	  "targetSystem":{"id":"","displayName":"Contoso","details":{"ApplicationId":"a","ServicePrincipalId":"sp"}}}`
	for name, sp := range map[string]string{
		"object": `{"id":"sp1","displayName":"Contoso"}`,
		"array":  `[{"id":"sp1","displayName":"Contoso"},{"id":"sp2"}]`,
	} {
		var e ProvisioningObjectSummary
		body := []byte(strings.Replace(entry, "SP", sp, 1))
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if e.ServicePrincipal == nil || *e.ServicePrincipal != (ProvisioningSPRef{ID: "sp1", DisplayName: "Contoso"}) {
			t.Errorf("%s: servicePrincipal %+v", name, e.ServicePrincipal)
		}
		if e.DurationInMilliseconds != 1301 || e.ProvisioningAction != "create" || e.InitiatedBy.InitiatorType != "system" ||
			e.ProvisioningStatusInfo.ErrorInformation.ErrorCode != "ContosoEntryConflict" || len(e.ProvisioningSteps) != 3 ||
			e.ProvisioningSteps[2].Status != "failure" || e.ProvisioningSteps[2].Details != nil ||
			e.ModifiedProperties[0].OldValue != nil || *e.ModifiedProperties[0].NewValue != "True" ||
			e.TargetSystem.Details["ServicePrincipalId"] != "sp" ||
			!e.ActivityDateTime.Equal(time.Date(2019, 6, 24, 20, 53, 8, 0, time.UTC)) {
			t.Errorf("%s: %+v", name, e)
		}
	}
	for _, sp := range []string{`[]`, `null`} {
		var e ProvisioningObjectSummary
		if err := json.Unmarshal([]byte(strings.Replace(entry, "SP", sp, 1)), &e); err != nil {
			t.Errorf("servicePrincipal %s: %v", sp, err)
		}
	}
	var e ProvisioningObjectSummary
	if err := json.Unmarshal([]byte(strings.Replace(entry, "SP", `"sp1"`, 1)), &e); err == nil {
		t.Error("servicePrincipal as a string accepted")
	}
}

func TestDecodeSchema(t *testing.T) {
	t.Parallel()
	const body = `{"directories":[],"synchronizationRules":[{"id":"03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8","name":"USER_TO_USER",
	  "sourceDirectoryName":"Azure Active Directory","targetDirectoryName":"customappsso","priority":1,"editable":true,
	  "metadata":[],"objectMappings":[{"name":"Provision Azure Active Directory Users","enabled":true,"sourceObjectName":"User","targetObjectName":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","attributeMappings":[]}]}]}`
	var s Schema
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	r := s.SynchronizationRules[0]
	if r.RuleID() != "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8" || r.Name != "USER_TO_USER" || r.Priority == nil || *r.Priority != 1 ||
		r.Editable == nil || !*r.Editable || r.ObjectMappings[0].Enabled == nil || !*r.ObjectMappings[0].Enabled ||
		r.ObjectMappings[0].SourceObjectName != "User" {
		t.Errorf("%+v", r)
	}
}

// Microsoft's documented schema example: rules without id, some without
// editable or priority. Absent stays absent (null), never "", false or 0.
func TestDecodeSchemaWithoutIDs(t *testing.T) {
	t.Parallel()
	const body = `{"directories":[],"synchronizationRules":[
	  {"name":"USER_TO_USER","sourceDirectoryName":"Azure Active Directory","targetDirectoryName":"Salesforce","editable":true,"priority":1,
	   "objectMappings":[{"name":"Synchronize Azure Active Directory Users to Salesforce","sourceObjectName":"User","targetObjectName":"User","attributeMappings":[]}]},
	  {"name":"GROUP_TO_GROUP","sourceDirectoryName":"Azure Active Directory","targetDirectoryName":"Salesforce",
	   "objectMappings":[{"enabled":false,"sourceObjectName":"Group","targetObjectName":"Group"}]}]}`
	var s Schema
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	user, group := s.SynchronizationRules[0], s.SynchronizationRules[1]
	if user.ID != nil || user.RuleID() != "" || user.Priority == nil || *user.Priority != 1 || user.ObjectMappings[0].Enabled != nil {
		t.Errorf("user rule %+v", user)
	}
	if group.Editable != nil || group.Priority != nil || group.ObjectMappings[0].Enabled == nil || *group.ObjectMappings[0].Enabled {
		t.Errorf("group rule %+v", group)
	}
	out, err := json.Marshal(group)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id":null`, `"priority":null`, `"editable":null`, `"enabled":false`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("%s lacks %s", out, want)
		}
	}
}

func TestSyncErrorIsError(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		e    *SyncError
		want bool
	}{
		{nil, false},
		{&SyncError{Code: "None"}, false},
		{&SyncError{Code: "none", Message: ""}, false},
		{&SyncError{}, false},
		{&SyncError{Code: "SalesforceInvalidCredentials", TenantActionable: true}, true},
		{&SyncError{Message: "something broke"}, true},
	} {
		if got := tt.e.IsError(); got != tt.want {
			t.Errorf("%+v: IsError %v, want %v", tt.e, got, tt.want)
		}
	}
}
