package emulator

import (
	"net/http"
	"testing"
)

func TestApplyOutcomes(t *testing.T) {
	h := start(t, Options{})
	poll := func(sp, job string) map[string]any {
		t.Helper()
		r := h.graph("GET", jobPath(sp, "apply."+job), nil)
		wantStatus(t, r, http.StatusOK)
		if keys(r.body) != "@odata.context,id,status,templateId" || r.body["id"] != "apply."+job {
			t.Fatalf("apply resource = %s", r.raw)
		}
		st, _ := r.body["status"].(map[string]any)
		return st
	}

	// Box: pending ({}) on the first poll, then success.
	if st := poll(boxSP, boxJob); len(st) != 0 {
		t.Errorf("first Box poll = %v, want {}", st)
	}
	st := poll(boxSP, boxJob)
	if keys(st) != statusFields || get(st, "lastExecution", "state") != "Succeeded" || get(st, "lastExecution", "timeEnded") == nil {
		t.Errorf("second Box poll = %v", st)
	}
	// A successful execution's error is code None, never null.
	if get(st, "lastExecution", "countExported") != float64(1) || jsonOf(get(st, "lastExecution", "error")) != `{"code":"None","message":"","tenantActionable":false}` {
		t.Errorf("Box execution = %v", get(st, "lastExecution"))
	}

	// Salesforce: failure in quarantine.
	st = poll(sfSP, sfJob)
	if get(st, "code") != "Quarantine" || get(st, "lastExecution", "state") != "Failed" ||
		get(st, "lastExecution", "error", "code") != "SalesforceInvalidCredentials" {
		t.Errorf("Salesforce = %v", st)
	}

	// Slack: succeeded, but RedundantExport and nothing exported.
	st = poll(slackSP, slackJob)
	if get(st, "lastExecution", "state") != "Succeeded" || get(st, "lastExecution", "error", "code") != "RedundantExport" ||
		get(st, "lastExecution", "countExported") != float64(0) || get(st, "lastExecution", "error", "tenantActionable") != false {
		t.Errorf("Slack = %v", st)
	}

	// Control: keep Box pending for 3 polls, then final.
	wantStatus(t, h.call("POST", "/_emulator/outcomes", map[string]any{"jobId": boxJob, "pendingPolls": 3}), http.StatusNoContent)
	for i := 0; i < 3; i++ {
		if st := poll(boxSP, boxJob); len(st) != 0 {
			t.Fatalf("poll %d = %v, want pending", i, st)
		}
	}
	if st := poll(boxSP, boxJob); len(st) == 0 {
		t.Error("still pending after the pending polls")
	}
	wantStatus(t, h.call("POST", "/_emulator/outcomes", map[string]any{"jobId": boxJob, "outcome": "failure"}), http.StatusNoContent)
	if st := poll(boxSP, boxJob); get(st, "lastExecution", "state") != "Failed" {
		t.Errorf("after outcome failure: %v", st)
	}
	wantStatus(t, h.call("POST", "/_emulator/outcomes", map[string]any{"jobId": "nope", "pendingPolls": 1}), http.StatusNotFound)

	wantGraphError(t, h.graph("GET", jobPath(boxSP, "apply.NoSuchJob"), nil), http.StatusNotFound, "ResourceNotFound")

	// Real tenants have no apply. resource.
	wantStatus(t, h.call("POST", "/_emulator/config", map[string]any{"applyResource": false}), http.StatusOK)
	wantGraphError(t, h.graph("GET", jobPath(boxSP, "apply."+boxJob), nil), http.StatusBadRequest, "BadRequest")
	wantStatus(t, h.call("POST", "/_emulator/config", map[string]any{"applyResource": true}), http.StatusOK)
	poll(boxSP, boxJob)
}
