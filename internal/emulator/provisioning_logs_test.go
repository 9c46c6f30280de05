package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const logFields = "activityDateTime,changeId,cycleId,durationInMilliseconds,id,initiatedBy,jobId,modifiedProperties,provisioningAction,provisioningStatusInfo,provisioningSteps,servicePrincipal,sourceIdentity,sourceSystem,targetIdentity,targetSystem,tenantId"

func logsQuery(filter string, extra ...string) string {
	q := url.Values{}
	if filter != "" {
		q.Set("$filter", filter)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return "/v1.0/auditLogs/provisioning?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}

func TestProvisioningLogsShapeAndSeed(t *testing.T) {
	h := shared(t)
	r := h.graph("GET", logsQuery(""), nil)
	wantStatus(t, r, http.StatusOK)
	if !strings.HasSuffix(r.body["@odata.context"].(string), "/v1.0/$metadata#auditLogs/provisioning") {
		t.Errorf("@odata.context = %v", r.body["@odata.context"])
	}
	entries := get(r.body, "value").([]any)
	if len(entries) < 5 {
		t.Fatalf("%d seeded entries", len(entries))
	}
	e := entries[0]
	if keys(e) != logFields {
		t.Errorf("entry fields = %s", keys(e))
	}
	if keys(get(e, "servicePrincipal")) != "displayName,id" || keys(get(e, "initiatedBy")) != "displayName,id,initiatorType" ||
		keys(get(e, "sourceIdentity")) != "details,displayName,id,identityType" || keys(get(e, "sourceSystem")) != "details,displayName,id" ||
		keys(get(e, "provisioningStatusInfo")) != "errorInformation,status" ||
		keys(get(e, "provisioningSteps", 0)) != "description,details,name,provisioningStepType,status" {
		t.Errorf("nested fields of %v", e)
	}
	// Newest first.
	var prev time.Time
	for i, e := range entries {
		ts, err := time.Parse(time.RFC3339, get(e, "activityDateTime").(string))
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && ts.After(prev) {
			t.Errorf("entry %d is newer than entry %d", i, i-1)
		}
		prev = ts
		for _, s := range get(e, "provisioningSteps").([]any) {
			if st := get(s, "status").(string); st != strings.ToLower(st) {
				t.Errorf("step status %q is not lower case", st)
			}
		}
	}
}

func TestProvisioningLogsFilters(t *testing.T) {
	h := shared(t)
	count := func(filter string) int {
		t.Helper()
		r := h.graph("GET", logsQuery(filter), nil)
		wantStatus(t, r, http.StatusOK)
		return len(get(r.body, "value").([]any))
	}
	sf := count("jobid eq '" + sfJob + "'")
	if sf == 0 || count("jobId eq '"+sfJob+"' and provisioningStatusInfo/status eq 'failure'") != 1 {
		t.Errorf("Salesforce: %d entries, failures %d", sf, count("jobId eq '"+sfJob+"' and provisioningStatusInfo/status eq 'failure'"))
	}
	if n := count("servicePrincipal/id eq '" + slackSP + "' and sourceIdentity/id eq '" + adeleID + "'"); n != 2 {
		t.Errorf("Slack entries for Adele = %d, want create + skip", n)
	}
	if n := count("provisioningAction eq 'create' and servicePrincipal/id eq '" + slackSP + "' and sourceIdentity/id eq '" + adeleID + "'"); n != 1 {
		t.Errorf("Slack creates for Adele = %d", n)
	}
	all := count("")
	if n := count("activityDateTime gt 2020-01-01T00:00:00Z"); n != all {
		t.Errorf("gt 2020: %d of %d", n, all)
	}
	if n := count("activityDateTime lt 2020-01-01"); n != 0 {
		t.Errorf("lt 2020: %d", n)
	}
	since := time.Now().Add(-150 * time.Minute).UTC().Format(time.RFC3339)
	if n := count("activityDateTime gt " + since); n == 0 || n == all {
		t.Errorf("gt %s: %d of %d", since, n, all)
	}
	if n := count("contains(tolower(servicePrincipal/displayName), 'sales')"); n != sf {
		t.Errorf("contains sales: %d, want %d", n, sf)
	}

	for _, bad := range []string{"bogus eq 'x'", "jobId gt 'x'", "jobId eq"} {
		r := h.graph("GET", logsQuery(bad), nil)
		wantGraphError(t, r, http.StatusBadRequest, "BadRequest")
	}
	wantGraphError(t, h.graph("GET", logsQuery("", "$orderby", "jobId"), nil), http.StatusBadRequest, "BadRequest")
}

func TestProvisioningLogsPagingAndOrder(t *testing.T) {
	h := shared(t)
	all := get(h.graph("GET", logsQuery(""), nil).body, "value").([]any)
	var ids []string
	next := logsQuery("", "$top", "2")
	for next != "" {
		r := h.graph("GET", next, nil)
		wantStatus(t, r, http.StatusOK)
		for _, e := range get(r.body, "value").([]any) {
			ids = append(ids, get(e, "id").(string))
		}
		next, _ = r.body["@odata.nextLink"].(string)
	}
	if len(ids) != len(all) || ids[0] != get(all[0], "id") {
		t.Errorf("paged %d entries, want %d", len(ids), len(all))
	}
	asc := get(h.graph("GET", logsQuery("", "$orderby", "activityDateTime asc"), nil).body, "value").([]any)
	if get(asc[0], "id") != get(all[len(all)-1], "id") {
		t.Error("asc order is not the reverse of the default")
	}
}
