package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

func onDemandBody(rule, objectID, objectType string, members ...string) map[string]any {
	subject := map[string]any{"objectId": objectID, "objectTypeName": objectType}
	if len(members) > 0 {
		var ms []any
		for _, m := range members {
			ms = append(ms, map[string]any{"objectId": m, "objectTypeName": "User"})
		}
		subject["links"] = map[string]any{"members": ms}
	}
	return map[string]any{"parameters": []any{map[string]any{"ruleId": rule, "subjects": []any{subject}}}}
}

// onDemandAnswer is a decoded provisionOnDemand answer: key and value are JSON
// encoded as strings, so they are decoded a second time.
type onDemandAnswer struct {
	key   map[string]any
	value map[string]any
	raw   response
}

func (h *harness) provision(t *testing.T, sp, job string, body any) onDemandAnswer {
	t.Helper()
	r := h.graph("POST", jobPath(sp, job)+"/provisionOnDemand", body)
	wantStatus(t, r, http.StatusOK)
	if keys(r.body) != "@odata.context,key,value" {
		t.Fatalf("answer fields = %s", keys(r.body))
	}
	if !strings.HasSuffix(r.body["@odata.context"].(string), "#microsoft.graph.stringKeyStringValuePair") {
		t.Errorf("@odata.context = %v", r.body["@odata.context"])
	}
	var a onDemandAnswer
	a.raw = r
	if err := json.Unmarshal([]byte(r.body["key"].(string)), &a.key); err != nil {
		t.Fatalf("key is not JSON text: %v", err)
	}
	if err := json.Unmarshal([]byte(r.body["value"].(string)), &a.value); err != nil {
		t.Fatalf("value is not JSON text: %v", err)
	}
	return a
}

func stepsOf(value map[string]any) []string {
	var out []string
	for _, s := range get(value, "provisioningSteps").([]any) {
		out = append(out, get(s, "type").(string)+":"+get(s, "status").(string))
	}
	return out
}

const onDemandValueFields = "action,changeId,endTime,modifiedProperties,provisioningSteps,reportableIdentifier,sourceIdentity,sourceSystem,startTime,statusInfo,targetIdentity,targetSystem"

func TestProvisionOnDemandOutcomes(t *testing.T) {
	h := start(t, Options{})
	tests := []struct {
		name, sp, job, rule, subject string
		result, errorCode, action    string
		steps                        string
	}{
		{"box creates adele", boxSP, boxJob, boxRule, adeleID, "Success", "", "Create", "Import:Success,Matching:Success,Scoping:Success,Export:Success"},
		{"box again is redundant", boxSP, boxJob, boxRule, adeleID, "Skipped", "RedundantExport", "Other", "Import:Success,Matching:Success,Scoping:Success,Export:Skipped"},
		{"megan is out of scope", boxSP, boxJob, boxRule, meganID, "Skipped", "NotEffectivelyEntitled", "Other", "Import:Success,Scoping:Skipped"},
		{"slack skips adele", slackSP, slackJob, slackRule, adeleID, "Skipped", "RedundantExport", "Other", "Import:Success,Matching:Success,Scoping:Success,Export:Skipped"},
		{"salesforce fails at export", sfSP, sfJob, sfRule, adeleID, "Failure", "SalesforceInvalidCredentials", "Create", "Import:Success,Matching:Success,Scoping:Success,Export:Failure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := h.provision(t, tt.sp, tt.job, onDemandBody(tt.rule, tt.subject, "User"))
			if a.key["result"] != tt.result || get(a.key, "details", "errorCode") != nilIfEmpty(tt.errorCode) {
				t.Errorf("key = %v", a.key)
			}
			if keys(a.value) != onDemandValueFields {
				t.Errorf("value fields = %s", keys(a.value))
			}
			if a.value["action"] != tt.action || strings.Join(stepsOf(a.value), ",") != tt.steps {
				t.Errorf("action %v steps %v", a.value["action"], stepsOf(a.value))
			}
			if keys(get(a.value, "provisioningSteps", 0)) != "description,details,name,status,timestamp,type" {
				t.Errorf("step fields = %s", keys(get(a.value, "provisioningSteps", 0)))
			}
			if keys(get(a.value, "statusInfo")) != "additionalDetails,errorCategory,errorCode,reason,recommendedAction,status" || get(a.value, "statusInfo", "status") != tt.result {
				t.Errorf("statusInfo = %v", get(a.value, "statusInfo"))
			}
			if get(a.value, "sourceIdentity", "id") != tt.subject || get(a.value, "sourceSystem", "name") != "Azure Active Directory" {
				t.Errorf("identities = %v / %v", get(a.value, "sourceIdentity"), get(a.value, "sourceSystem"))
			}

			// The same changeId is in the provisioning logs.
			changeID := a.value["changeId"].(string)
			logs := h.graph("GET", "/v1.0/auditLogs/provisioning?$filter="+url.QueryEscape("changeId eq '"+changeID+"'"), nil)
			wantStatus(t, logs, http.StatusOK)
			entries := get(logs.body, "value").([]any)
			if len(entries) != 1 {
				t.Fatalf("%d log entries for changeId %s", len(entries), changeID)
			}
			e := entries[0]
			if get(e, "provisioningStatusInfo", "status") != strings.ToLower(tt.result) || get(e, "provisioningAction") != strings.ToLower(tt.action) || get(e, "jobId") != tt.job {
				t.Errorf("log entry = %v", e)
			}
			if get(e, "initiatedBy", "initiatorType") != "user" || get(e, "initiatedBy", "id") != adeleID {
				t.Errorf("initiatedBy = %v", get(e, "initiatedBy"))
			}
		})
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func TestProvisionOnDemandGroupAndApplyOutcome(t *testing.T) {
	h := start(t, Options{})
	// Consume Box's initial pending poll.
	h.graph("GET", jobPath(boxSP, "apply."+boxJob), nil)

	a := h.provision(t, boxSP, boxJob, onDemandBody(boxGRule, salesID, "Group", adeleID, meganID))
	if a.key["result"] != "Success" || keys(a.key["details"]) != "" || a.raw.body["value"] != "{}" {
		t.Errorf("group answer = %s", a.raw.raw)
	}
	// The apply. resource is pending again, then final.
	r := h.graph("GET", jobPath(boxSP, "apply."+boxJob), nil)
	if keys(r.body["status"]) != "" {
		t.Errorf("first poll after provisionOnDemand = %v, want {}", r.body["status"])
	}
	r = h.graph("GET", jobPath(boxSP, "apply."+boxJob), nil)
	if get(r.body, "status", "lastExecution", "state") != "Succeeded" {
		t.Errorf("second poll = %s", r.raw)
	}

	// Provisioning megan afterwards: the final outcome says skipped.
	h.provision(t, boxSP, boxJob, onDemandBody(boxRule, meganID, "User"))
	h.graph("GET", jobPath(boxSP, "apply."+boxJob), nil)
	r = h.graph("GET", jobPath(boxSP, "apply."+boxJob), nil)
	if get(r.body, "status", "lastExecution", "error", "code") != "NotEffectivelyEntitled" {
		t.Errorf("apply after megan = %s", r.raw)
	}
}

func TestProvisionOnDemandRejectsBadRequests(t *testing.T) {
	h := start(t, Options{})
	wantStatus(t, h.call("POST", "/_emulator/config", map[string]any{"rateLimit": false}), http.StatusOK)
	onDemandPath := jobPath(boxSP, boxJob) + "/provisionOnDemand"

	r := h.graph("POST", onDemandPath, onDemandBody("", adeleID, "User"))
	wantGraphError(t, r, http.StatusBadRequest, "RequestParameterInvalid")
	if msg := get(r.body, "error", "message").(string); !strings.Contains(msg, "However, the job does not include the rule.") || !strings.Contains(msg, boxJob) {
		t.Errorf("message = %q", msg)
	}
	wantGraphError(t, h.graph("POST", onDemandPath, onDemandBody("33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8", salesID, "Group")), http.StatusBadRequest, "RequestParameterInvalid") // #V2 is part of the id
	wantGraphError(t, h.graph("POST", onDemandPath, onDemandBody(boxGRule, adeleID, "User")), http.StatusBadRequest, "RequestParameterInvalid")
	wantGraphError(t, h.graph("POST", onDemandPath, onDemandBody(boxRule, "00000000-0000-0000-0000-000000000000", "User")), http.StatusNotFound, "Request_ResourceNotFound")
	wantGraphError(t, h.graph("POST", onDemandPath, onDemandBody(boxRule, "adele@contoso.test", "User")), http.StatusNotFound, "Request_ResourceNotFound")
	wantGraphError(t, h.graph("POST", onDemandPath, onDemandBody(boxGRule, salesID, "Group", "00000000-0000-0000-0000-000000000000")), http.StatusNotFound, "Request_ResourceNotFound")

	for name, body := range map[string]string{
		"objectType instead of objectTypeName": `{"parameters":[{"ruleId":"` + boxRule + `","subjects":[{"objectId":"` + adeleID + `","objectType":"User"}]}]}`,
		"wrong case":                           `{"parameters":[{"ruleID":"` + boxRule + `","subjects":[{"objectId":"` + adeleID + `","objectTypeName":"User"}]}]}`,
		"draft body without parameters":        `{"ruleId":"` + boxRule + `","subjects":[{"objectId":"` + adeleID + `","objectTypeName":"User"}]}`,
		"no subjects":                          `{"parameters":[{"ruleId":"` + boxRule + `","subjects":[]}]}`,
		"empty":                                ``,
		"not JSON":                             `{"parameters":`,
	} {
		r := h.graph("POST", onDemandPath, body, "Content-Type", "application/json")
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d %s", name, r.status, r.raw)
		}
	}
}

func TestProvisionOnDemandRateLimit(t *testing.T) {
	h := start(t, Options{})
	for i := 0; i < tenant.OnDemandLimit; i++ {
		h.provision(t, boxSP, boxJob, onDemandBody(boxRule, meganID, "User"))
	}
	r := h.graph("POST", jobPath(boxSP, boxJob)+"/provisionOnDemand", onDemandBody(boxRule, meganID, "User"))
	wantGraphError(t, r, http.StatusTooManyRequests, "TooManyRequests")
	ra := r.header.Get("Retry-After")
	if ra == "" || strings.HasPrefix(ra, "-") || ra == "0" {
		t.Errorf("Retry-After = %q", ra)
	}
	// Other jobs have their own window.
	h.provision(t, slackSP, slackJob, onDemandBody(slackRule, adeleID, "User"))
	// After the window the job accepts calls again.
	h.s.clock.advance(tenant.OnDemandWindow)
	h.provision(t, boxSP, boxJob, onDemandBody(boxRule, meganID, "User"))
}

func TestRetryAfterSeconds(t *testing.T) {
	for d, want := range map[string]string{"2128ms": "2.128", "10s": "10", "0s": "0.001", "1500ms": "1.5"} {
		dur, _ := time.ParseDuration(d)
		if got := retryAfterSeconds(dur); got != want {
			t.Errorf("%s → %q, want %q", d, got, want)
		}
	}
}
