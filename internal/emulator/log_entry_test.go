package emulator

import (
	"net/http"
	"testing"
)

// newestLog returns the newest provisioning-log entry matching filter.
func (h *harness) newestLog(t *testing.T, filter string) map[string]any {
	t.Helper()
	r := h.graph("GET", logsQuery(filter), nil)
	wantStatus(t, r, http.StatusOK)
	entries := get(r.body, "value").([]any)
	if len(entries) == 0 {
		t.Fatalf("no log entry for %s", filter)
	}
	return entries[0].(map[string]any)
}

// stepOfType returns the entry's first step of that provisioningStepType.
func stepOfType(e map[string]any, typ string) any {
	for _, s := range get(e, "provisioningSteps").([]any) {
		if get(s, "provisioningStepType") == typ {
			return s
		}
	}
	return nil
}

func TestSkippedLogEntryKeepsItsReasonInTheSkipStep(t *testing.T) {
	h := start(t, Options{})
	// Out of scope: the scoping step is the skip step.
	h.onDemandRaw(t, boxSP, boxJob, onDemandBody(boxRule, meganID, "User"))
	e := h.newestLog(t, "jobId eq '"+boxJob+"' and sourceIdentity/id eq '"+meganID+"'")
	info, present := get(e, "provisioningStatusInfo").(map[string]any)["errorInformation"]
	if !present || info != nil || get(e, "provisioningStatusInfo", "status") != "skipped" {
		t.Errorf("provisioningStatusInfo = %v", get(e, "provisioningStatusInfo"))
	}
	scoping := stepOfType(e, "scoping")
	if get(scoping, "status") != "skipped" || get(scoping, "details", "SkipReason") != "NotEffectivelyEntitled" ||
		get(scoping, "details", "ReportableIdentifier") != "megan@contoso.test" {
		t.Errorf("scoping step = %v", scoping)
	}
	if jsonOf(get(e, "sourceIdentity", "details")) != `{"DisplayName":"Megan Bowen","UserPrincipalName":"megan@contoso.test","id":"`+meganID+`","odatatype":"User"}` {
		t.Errorf("sourceIdentity.details = %v", jsonOf(get(e, "sourceIdentity", "details")))
	}

	// RedundantExport: the export step is the skip step; matching names the
	// target object with two spaces.
	h.onDemandRaw(t, slackSP, slackJob, onDemandBody(slackRule, adeleID, "User"))
	e = h.newestLog(t, "jobId eq '"+slackJob+"' and sourceIdentity/id eq '"+adeleID+"'")
	if get(e, "provisioningStatusInfo", "errorInformation") != nil {
		t.Errorf("errorInformation = %v", get(e, "provisioningStatusInfo", "errorInformation"))
	}
	export := stepOfType(e, "export")
	if jsonOf(get(export, "details")) != `{"ReportableIdentifier":"adele@contoso.test","SkipReason":"RedundantExport"}` || get(export, "status") != "skipped" {
		t.Errorf("export step = %v", export)
	}
	matching := stepOfType(e, "matching")
	if get(matching, "description") != "Retrieved  'adele@contoso.test' from Slack" || get(matching, "details", "userName") != "adele@contoso.test" || get(matching, "details", "id") == nil {
		t.Errorf("matching step = %v", matching)
	}
}

func TestFailedLogEntryKeepsErrorInformation(t *testing.T) {
	h := start(t, Options{})
	h.onDemandRaw(t, sfSP, sfJob, onDemandBody(sfRule, adeleID, "User"))
	e := h.newestLog(t, "jobId eq '"+sfJob+"'")
	info := get(e, "provisioningStatusInfo", "errorInformation")
	if keys(info) != "additionalDetails,errorCategory,errorCode,reason,recommendedAction" ||
		get(info, "errorCode") != "SalesforceInvalidCredentials" || get(info, "errorCategory") != "nonServiceFailure" {
		t.Errorf("errorInformation = %v", info)
	}
}

func TestSeededSkipsHaveNoErrorInformation(t *testing.T) {
	h := shared(t)
	r := h.graph("GET", logsQuery("provisioningStatusInfo/status eq 'skipped'"), nil)
	wantStatus(t, r, http.StatusOK)
	entries := get(r.body, "value").([]any)
	if len(entries) == 0 {
		t.Fatal("no seeded skipped entries")
	}
	for _, e := range entries {
		if get(e, "provisioningStatusInfo", "errorInformation") != nil {
			t.Errorf("skipped entry with errorInformation: %v", get(e, "provisioningStatusInfo"))
		}
	}
}
