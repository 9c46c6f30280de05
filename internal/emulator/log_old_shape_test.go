package emulator

import (
	"net/http"
	"testing"
)

func TestOldLogShapeSwitch(t *testing.T) {
	h := start(t, Options{})
	r := h.call("POST", "/_emulator/config", map[string]any{"logShape": "old"})
	wantStatus(t, r, http.StatusOK)
	if r.body["logShape"] != "old" {
		t.Fatalf("config = %s", r.raw)
	}
	// The filter still works on the underlying values.
	r = h.graph("GET", logsQuery("jobId eq '"+sfJob+"' and provisioningStatusInfo/status eq 'failure' and provisioningAction eq 'create'"), nil)
	wantStatus(t, r, http.StatusOK)
	entries := get(r.body, "value").([]any)
	if len(entries) != 1 {
		t.Fatalf("%d entries: %s", len(entries), r.raw)
	}
	e := entries[0]
	if _, ok := e.(map[string]any)["provisioningAction"]; ok {
		t.Error("old shape still has provisioningAction")
	}
	if _, ok := e.(map[string]any)["provisioningStatusInfo"]; ok {
		t.Error("old shape still has provisioningStatusInfo")
	}
	st := get(e, "statusInfo")
	if get(e, "action") != "Create" || keys(st) != "@odata.type,additionalDetails,errorCategory,errorCode,reason,recommendedAction,status" ||
		get(st, "@odata.type") != "#microsoft.graph.statusDetails" || get(st, "status") != "failure" || get(st, "errorCode") != "SalesforceInvalidCredentials" {
		t.Errorf("old entry: action %v statusInfo %v", get(e, "action"), st)
	}
	skipped := get(h.graph("GET", logsQuery("provisioningStatusInfo/status eq 'skipped'"), nil).body, "value", 0)
	if get(skipped, "action") != "Other" || get(skipped, "statusInfo", "status") != "skipped" || get(skipped, "statusInfo", "errorCode") != nil {
		t.Errorf("old skipped entry: %v / %v", get(skipped, "action"), get(skipped, "statusInfo"))
	}

	wantStatus(t, h.call("POST", "/_emulator/config", map[string]any{"logShape": "older"}), http.StatusBadRequest)
	wantStatus(t, h.call("POST", "/_emulator/config", map[string]any{"logShape": "current"}), http.StatusOK)
	e = get(h.graph("GET", logsQuery(""), nil).body, "value", 0)
	if keys(e) != logFields {
		t.Errorf("current shape again: %s", keys(e))
	}
}
