package emulator

import (
	"net/http"
	"strings"
	"testing"
)

const (
	jobFields       = "id,schedule,status,synchronizationJobSettings,templateId"
	statusFields    = "code,countSuccessiveCompleteFailures,escrowsPruned,lastExecution,lastSuccessfulExecution,lastSuccessfulExecutionWithExports,progress,quarantine,steadyStateFirstAchievedTime,steadyStateLastAchievedTime,synchronizedEntryCountByType,troubleshootingUrl"
	executionFields = "activityIdentifier,countEntitled,countEntitledForProvisioning,countEscrowed,countEscrowedRaw,countExported,countExports,countImported,countImportedDeltas,countImportedReferenceDeltas,error,state,timeBegan,timeEnded"
)

func jobPath(sp, job string) string {
	return "/beta/servicePrincipals/" + sp + "/synchronization/jobs/" + job
}

func TestListJobsShape(t *testing.T) {
	h := shared(t)
	r := h.graph("GET", "/v1.0/servicePrincipals/"+boxSP+"/synchronization/jobs", nil)
	wantStatus(t, r, http.StatusOK)
	jobs := get(r.body, "value").([]any)
	if len(jobs) != 1 {
		t.Fatalf("%d jobs", len(jobs))
	}
	job := jobs[0]
	if keys(job) != jobFields {
		t.Errorf("job fields = %s", keys(job))
	}
	if keys(get(job, "schedule")) != "expiration,interval,state" || get(job, "schedule", "interval") != "PT40M" || get(job, "schedule", "state") != "Active" {
		t.Errorf("schedule = %v", get(job, "schedule"))
	}
	if keys(get(job, "status")) != statusFields {
		t.Errorf("status fields = %s", keys(get(job, "status")))
	}
	if keys(get(job, "status", "lastExecution")) != executionFields {
		t.Errorf("execution fields = %s", keys(get(job, "status", "lastExecution")))
	}
	if get(job, "status", "code") != "Active" || get(job, "templateId") != "BoxOutDelta" || get(job, "id") != boxJob {
		t.Errorf("job = %v", job)
	}
	if keys(get(job, "synchronizationJobSettings", 0)) != "name,value" {
		t.Errorf("settings = %v", get(job, "synchronizationJobSettings"))
	}

	hr := h.graph("GET", "/beta/servicePrincipals/"+hrSP+"/synchronization/jobs", nil)
	if n := len(get(hr.body, "value").([]any)); n != 2 {
		t.Errorf("Contoso HR has %d jobs, want 2", n)
	}
	none := h.graph("GET", "/beta/servicePrincipals/3c5e7a9b-1d2f-4e6a-8c0b-2d4f6a8c0e1b/synchronization/jobs", nil)
	wantStatus(t, none, http.StatusOK)
	if n := len(get(none.body, "value").([]any)); n != 0 {
		t.Errorf("SharePoint has %d jobs", n)
	}
}

func TestGetQuarantinedJobReproducesDocOddities(t *testing.T) {
	h := shared(t)
	r := h.graph("GET", jobPath(sfSP, sfJob), nil)
	wantStatus(t, r, http.StatusOK)
	st := r.body["status"]
	if get(st, "code") != "Quarantine" || get(st, "troubleshootingUrl") != nil {
		t.Errorf("status = %v", st)
	}
	q := get(st, "quarantine")
	if keys(q) != "currentBegan,error,nextAttempt,reason,seriesBegan,seriesCount" {
		t.Errorf("quarantine fields = %s", keys(q))
	}
	for _, f := range []string{"currentBegan", "nextAttempt", "reason", "seriesBegan"} {
		if get(q, f) != "" {
			t.Errorf("quarantine.%s = %v, want \"\"", f, get(q, f))
		}
	}
	if get(q, "error", "code") != "SalesforceInvalidCredentials" || get(q, "error", "tenantActionable") != true {
		t.Errorf("quarantine.error = %v", get(q, "error"))
	}
	if get(st, "steadyStateFirstAchievedTime") != neverTime || get(st, "lastSuccessfulExecution") != nil {
		t.Errorf("never-ran fields: %v / %v", get(st, "steadyStateFirstAchievedTime"), get(st, "lastSuccessfulExecution"))
	}
	if get(st, "lastExecution", "state") != "Failed" {
		t.Errorf("lastExecution = %v", get(st, "lastExecution"))
	}

	// A job that never ran: MaxValue interval, MinValue times, error code None.
	r = h.graph("GET", jobPath(hrSP, "scimOutDelta.6a2de5866d0e4e39a06f39c6893e0873.9c1e3a5b-7d9f-4b1d-8e3a-5c7e9b1d3f5a"), nil)
	wantStatus(t, r, http.StatusOK)
	last := get(r.body, "status", "lastExecution")
	if get(r.body, "schedule", "interval") != maxInterval || get(last, "timeBegan") != neverTime || get(last, "timeEnded") != neverTime ||
		get(last, "state") != "Failed" || get(r.body, "status", "code") != "NotRun" ||
		jsonOf(get(last, "error")) != `{"code":"None","message":"","tenantActionable":false}` {
		t.Errorf("never-run job = %s", r.raw)
	}
}

func TestJobNotFound(t *testing.T) {
	h := shared(t)
	r := h.graph("GET", jobPath(boxSP, "NoSuchJob.1"), nil)
	wantGraphError(t, r, http.StatusNotFound, "ResourceNotFound")
	if !strings.Contains(get(r.body, "error", "message").(string), "NoSuchJob.1") {
		t.Errorf("message does not name the job: %s", r.raw)
	}
	wantGraphError(t, h.graph("GET", jobPath("00000000-0000-0000-0000-000000000000", boxJob), nil), http.StatusNotFound, "ResourceNotFound")
	// Escaped slashes stay inside the segment.
	wantGraphError(t, h.graph("GET", jobPath(boxSP, "..%2F..%2Fusers"), nil), http.StatusNotFound, "ResourceNotFound")
}

func TestJobControl(t *testing.T) {
	h := start(t, Options{})
	code := func(sp, job string) (string, string) {
		r := h.graph("GET", jobPath(sp, job), nil)
		return get(r.body, "status", "code").(string), get(r.body, "schedule", "state").(string)
	}
	wantStatus(t, h.graph("POST", jobPath(boxSP, boxJob)+"/pause", nil), http.StatusNoContent)
	if c, s := code(boxSP, boxJob); c != "Paused" || s != "Paused" {
		t.Errorf("after pause: %s/%s", c, s)
	}
	wantStatus(t, h.graph("POST", jobPath(boxSP, boxJob)+"/start", nil), http.StatusNoContent)
	if c, s := code(boxSP, boxJob); c != "Active" || s != "Active" {
		t.Errorf("after start: %s/%s", c, s)
	}

	// restart with a scope that keeps quarantine leaves it quarantined.
	wantStatus(t, h.graph("POST", jobPath(sfSP, sfJob)+"/restart", map[string]any{"criteria": map[string]any{"resetScope": "Watermark, Escrows"}}), http.StatusNoContent)
	if c, _ := code(sfSP, sfJob); c != "Quarantine" {
		t.Errorf("after restart Watermark: %s", c)
	}
	wantStatus(t, h.graph("POST", jobPath(sfSP, sfJob)+"/restart", map[string]any{"criteria": map[string]any{"resetScope": "Watermark, Escrows, QuarantineState"}}), http.StatusNoContent)
	r := h.graph("GET", jobPath(sfSP, sfJob), nil)
	if get(r.body, "status", "code") != "Active" || get(r.body, "status", "quarantine") != nil {
		t.Errorf("after restart QuarantineState: %s", r.raw)
	}
	wantStatus(t, h.graph("POST", jobPath(sfSP, sfJob)+"/restart", nil), http.StatusNoContent)

	for _, body := range []any{
		map[string]any{"criteria": map[string]any{"resetScope": "Watermark, Everything"}},
		map[string]any{"criteria": map[string]any{"resetscope": "Full"}}, // names are case-sensitive
		map[string]any{"criteria": map[string]any{"resetScope": "Full", "extra": 1}},
		"not json",
		map[string]any{"resetScope": "Full"},
	} {
		wantGraphError(t, h.graph("POST", jobPath(sfSP, sfJob)+"/restart", body), http.StatusBadRequest, "BadRequest")
	}
	wantGraphError(t, h.graph("GET", jobPath(boxSP, boxJob)+"/start", nil), http.StatusMethodNotAllowed, "Request_BadRequest")
}

// Wire values of synchronization times, as real tenants send them.
const (
	neverTime   = "0001-01-01T00:00:00Z"
	maxInterval = "P10675199DT2H48M5.4775807S"
)
