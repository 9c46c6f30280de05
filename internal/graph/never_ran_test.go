package graph

import (
	"encoding/json"
	"strings"
	"testing"
)

// neverRanJob is a job that never ran, as real tenants answer it.
const neverRanJob = `{"id":"scimOutDelta.6a2de5866d0e4e39a06f39c6893e0873.9c1e3a5b-7d9f-4b1d-8e3a-5c7e9b1d3f5a","templateId":"scimOutDelta",
 "schedule":{"expiration":null,"interval":"PT40M","state":"Active"},
 "status":{"code":"NotRun","countSuccessiveCompleteFailures":0,"escrowsPruned":false,
  "lastExecution":{"activityIdentifier":null,"countEntitled":0,"countEntitledForProvisioning":0,"countEscrowed":0,"countEscrowedRaw":0,
   "countExported":0,"countExports":0,"countImported":0,"countImportedDeltas":0,"countImportedReferenceDeltas":0,
   "state":"Failed","timeBegan":"0001-01-01T00:00:00Z","timeEnded":"0001-01-01T00:00:00Z",
   "error":{"code":"None","message":"","tenantActionable":false}},
  "lastSuccessfulExecution":{"state":"Succeeded","timeBegan":"0001-01-01T00:00:00Z","timeEnded":"0001-01-01T00:00:00Z"},
  "lastSuccessfulExecutionWithExports":{"timeBegan":"","timeEnded":null},
  "progress":[],"quarantine":null,
  "steadyStateFirstAchievedTime":"0001-01-01T00:00:00Z","steadyStateLastAchievedTime":"0001-01-01T00:00:00Z",
  "synchronizedEntryCountByType":[],"troubleshootingUrl":null}}`

func TestNeverRanExecutionsDecodeAsNil(t *testing.T) {
	t.Parallel()
	var job SynchronizationJob
	if err := json.Unmarshal([]byte(neverRanJob), &job); err != nil {
		t.Fatal(err)
	}
	st := job.Status
	if st == nil || st.Code != "NotRun" {
		t.Fatalf("status %+v", st)
	}
	if st.LastExecution != nil || st.LastSuccessfulExecution != nil || st.LastSuccessfulExecutionWithExports != nil {
		t.Errorf("never-run executions kept: %+v / %+v / %+v", st.LastExecution, st.LastSuccessfulExecution, st.LastSuccessfulExecutionWithExports)
	}
	out, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"lastExecution":null`, `"lastSuccessfulExecution":null`, `"lastSuccessfulExecutionWithExports":null`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("JSON lacks %s: %s", want, out)
		}
	}
	if strings.Contains(string(out), "Failed") {
		t.Errorf("a job that never ran shows as failed: %s", out)
	}
}

func TestExecutionsThatRanAreKept(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, exec string }{
		{"finished", `{"state":"Succeeded","timeBegan":"2026-11-30T10:00:00Z","timeEnded":"2026-11-30T10:00:03Z","error":{"code":"None","message":"","tenantActionable":false}}`},
		{"running (no end yet)", `{"state":"","timeBegan":"2026-11-30T10:00:00Z","timeEnded":"0001-01-01T00:00:00Z"}`},
		{"end only", `{"state":"Failed","timeEnded":"2026-11-30T10:00:03Z"}`},
		{"unreadable times are not never", `{"state":"Failed","timeBegan":"soon","timeEnded":"later"}`},
	}
	for _, tt := range tests {
		var st SynchronizationStatus
		if err := json.Unmarshal([]byte(`{"lastExecution":`+tt.exec+`,"lastSuccessfulExecution":`+tt.exec+`}`), &st); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if st.LastExecution == nil || st.LastSuccessfulExecution == nil {
			t.Errorf("%s: execution dropped", tt.name)
		}
	}
	// The apply. resource's status decodes the same way, and keeps Raw.
	var res ApplyResource
	body := `{"id":"apply.J","status":{"lastExecution":{"state":"Failed","timeBegan":"0001-01-01T00:00:00Z","timeEnded":"0001-01-01T00:00:00Z"}}}`
	if err := json.Unmarshal([]byte(body), &res); err != nil || res.Status == nil || res.Status.LastExecution != nil || string(res.Raw) != body {
		t.Errorf("apply resource %+v, %v", res.Status, err)
	}
	var bad SynchronizationStatus
	if err := json.Unmarshal([]byte(`{"lastExecution":"x"}`), &bad); err == nil {
		t.Error("a malformed status decoded")
	}
}
