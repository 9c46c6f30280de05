package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/emulator/odata"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// Member orders as the service writes them (Microsoft's examples 1 and 2).
const (
	galleryValueOrder   = "action,changeId,endTime,modifiedProperties,provisioningSteps,reportableIdentifier,startTime,statusInfo,sourceIdentity,sourceSystem,targetIdentity,targetSystem"
	syncFabricOrder     = "provisioningSteps,modifiedProperties,action,changeId,endTime,reportableIdentifier,sourceIdentity,sourceSystem,startTime,statusInfo,targetIdentity,targetSystem"
	answerStepOrder     = "name,type,status,description,timestamp,details"
	answerStatusOrder   = "status,errorCode,reason,additionalDetails,errorCategory,recommendedAction"
	answerIdentityOrder = "id,type,displayName,details"
)

// Cross-tenant and Cloud Sync jobs of the built-in tenant.
const (
	xtSP        = "4e6a8c0e-2b4d-4f6a-9c8e-0a2c4e6a8b1d"
	xtJob       = "Azure2Azure.6a2de5866d0e4e39a06f39c6893e0873.7d9f1b3d-5a7c-4e9f-b1d3-5a7c9e1f3b5d"
	xtRule      = "f1a3c5e7-9b1d-4f3a-8c5e-7a9b1d3f5c7e"
	csSP        = "6c8e0a2c-4e6a-4c8e-a0b2-c4e6a8c0e2a4"
	csJob       = "AD2AADProvisioning.6a2de5866d0e4e39a06f39c6893e0873.3b5d7f9a-1c3e-4b5d-9f7a-1c3e5b7d9f1a"
	csRule      = "6c409270-f78a-4bc6-af23-7cf3ab6482fe"
	adeleDN     = "CN=Adele Vance,OU=Users,DC=contoso,DC=test"
	redundantKV = `{"result":"Skipped","details":{"errorCode":"RedundantExport","errorMessage":"The state of the user in both the source and target systems already match."}}`
)

// onDemandRaw posts provisionOnDemand and returns the answer's key and value texts.
func (h *harness) onDemandRaw(t *testing.T, sp, job string, body any) (response, string, string) {
	t.Helper()
	r := h.graph("POST", jobPath(sp, job)+"/provisionOnDemand", body)
	wantStatus(t, r, http.StatusOK)
	if got := orderedKeys(t, string(r.raw)); got != "@odata.context,key,value" {
		t.Errorf("answer members = %s", got)
	}
	return r, r.body["key"].(string), r.body["value"].(string)
}

func TestGalleryAnswerKeepsTheServiceOrder(t *testing.T) {
	h := start(t, Options{})
	_, key, value := h.onDemandRaw(t, boxSP, boxJob, onDemandBody(boxRule, adeleID, "User"))
	if key != `{"result":"Success","details":{}}` {
		t.Errorf("key = %s", key)
	}
	if got := orderedKeys(t, value); got != galleryValueOrder {
		t.Errorf("value members = %s", got)
	}
	if got := orderedKeys(t, rawMember(t, value, "provisioningSteps", 0)); got != answerStepOrder {
		t.Errorf("step members = %s", got)
	}
	if got := orderedKeys(t, rawMember(t, value, "statusInfo")); got != answerStatusOrder {
		t.Errorf("statusInfo members = %s", got)
	}
	for _, name := range []string{"sourceIdentity", "targetIdentity"} {
		if got := orderedKeys(t, rawMember(t, value, name)); got != answerIdentityOrder {
			t.Errorf("%s members = %s", name, got)
		}
	}
	if got := orderedKeys(t, rawMember(t, value, "modifiedProperties", 0)); got != "displayName,oldValue,newValue" {
		t.Errorf("modifiedProperties members = %s", got)
	}
	if got := orderedKeys(t, rawMember(t, value, "provisioningSteps", 0, "details")); !strings.HasPrefix(got, "objectId,accountEnabled,") {
		t.Errorf("import details = %s", got)
	}

	// Again: RedundantExport, and the matching step names the target object
	// with the service's two spaces.
	_, key, value = h.onDemandRaw(t, boxSP, boxJob, onDemandBody(boxRule, adeleID, "User"))
	if key != redundantKV {
		t.Errorf("key = %s", key)
	}
	match := rawMember(t, value, "provisioningSteps", 1)
	if rawMember(t, match, "description") != `"Retrieved  'adele@contoso.test' from Box"` || orderedKeys(t, rawMember(t, match, "details")) != "active,displayName,externalId,id,userName" {
		t.Errorf("matching step = %s", match)
	}
}

func TestCrossTenantAnswer(t *testing.T) {
	h := start(t, Options{})
	r, key, value := h.onDemandRaw(t, xtSP, xtJob, onDemandBody(xtRule, adeleID, "User"))
	if key != "Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo" {
		t.Errorf("key = %s", key)
	}
	if !strings.HasSuffix(r.body["@odata.context"].(string), "/beta/$metadata#microsoft.graph.stringKeyStringValuePair") {
		t.Errorf("@odata.context = %v", r.body["@odata.context"])
	}
	if !strings.HasPrefix(value, `[{"provisioningSteps":[`) {
		t.Fatalf("value = %.120s", value)
	}
	record := rawMember(t, value, 0)
	if got := orderedKeys(t, record); got != syncFabricOrder {
		t.Errorf("record members = %s", got)
	}
	if rawMember(t, record, "action") != `"Create"` || rawMember(t, record, "statusInfo", "status") != `"Success"` ||
		rawMember(t, record, "targetSystem", "name") != `"Azure Active Directory (target tenant)"` {
		t.Errorf("record = %s", record)
	}
	if got := orderedKeys(t, rawMember(t, record, "provisioningSteps", 0)); got != answerStepOrder {
		t.Errorf("step members = %s", got)
	}

	// The result is only inside the records: the key stays the type name.
	_, key, value = h.onDemandRaw(t, xtSP, xtJob, onDemandBody(xtRule, adeleID, "User"))
	if key != tenant.CrossTenantKey || rawMember(t, value, 0, "statusInfo", "status") != `"Skipped"` {
		t.Errorf("second run: key %s, status %s", key, rawMember(t, value, 0, "statusInfo", "status"))
	}
	_, _, value = h.onDemandRaw(t, xtSP, xtJob, onDemandBody(xtRule, meganID, "User"))
	if rawMember(t, value, 0, "statusInfo", "status") != `"Skipped"` || rawMember(t, value, 0, "action") != `"Other"` {
		t.Errorf("megan = %s", value)
	}
}

func TestCloudSyncAnswer(t *testing.T) {
	h := start(t, Options{})
	r, key, value := h.onDemandRaw(t, csSP, csJob, onDemandBody(csRule, adeleDN, "user"))
	if r.body["@odata.context"] != "https://syncfabric.windowsazure.com/api/$metadata#microsoft.synchronization.stringKeyStringValuePair" {
		t.Errorf("@odata.context = %v", r.body["@odata.context"])
	}
	if key != `{"result":"Success","details":{}}` {
		t.Errorf("key = %s", key)
	}
	if got := orderedKeys(t, value); got != syncFabricOrder {
		t.Errorf("value members = %s", got)
	}
	a := decodeText(t, value)
	if got := strings.Join(stepNames(a), ","); got != "EntryImportAdd:Import,EntryImport:Import,EntrySynchronizationScoping:Scoping,EntryExportUpdate:Export" {
		t.Errorf("steps = %s", got)
	}
	for i := 0; i < 2; i++ {
		details := get(a, "provisioningSteps", i, "details").(map[string]any)
		empty := 0
		for _, v := range details {
			if v == "" {
				empty++
			}
		}
		if len(details) < 100 || empty < 50 || details["distinguishedName"] != adeleDN || details["sAMAccountName"] != "adele" {
			t.Errorf("step %d details: %d keys, %d empty, dn %v", i, len(details), empty, details["distinguishedName"])
		}
	}
	for i := range get(a, "modifiedProperties").([]any) {
		if got := orderedKeys(t, rawMember(t, value, "modifiedProperties", i)); got != "displayName,newValue" {
			t.Errorf("modifiedProperties[%d] members = %s", i, got)
		}
	}
	src := rawMember(t, value, "sourceIdentity")
	if orderedKeys(t, src) != "id,type" || rawMember(t, src, "type") != `"user"` || !odata.IsGUID(get(a, "sourceIdentity", "id").(string)) {
		t.Errorf("sourceIdentity = %s", src)
	}
	if rawMember(t, value, "sourceSystem") != `{"name":"Active Directory"}` || rawMember(t, value, "targetSystem") != `{"name":"Azure Active Directory"}` {
		t.Errorf("systems = %s / %s", rawMember(t, value, "sourceSystem"), rawMember(t, value, "targetSystem"))
	}
	if rawMember(t, value, "statusInfo") != `{"status":"Success"}` || a["action"] != "Update" || get(a, "targetIdentity", "id") != adeleID {
		t.Errorf("status %s action %v target %v", rawMember(t, value, "statusInfo"), a["action"], get(a, "targetIdentity"))
	}

	// Its log entry names the subject by DN.
	logs := h.graph("GET", logsQuery("sourceIdentity/id eq '"+adeleDN+"'"), nil)
	wantStatus(t, logs, http.StatusOK)
	entries := get(logs.body, "value").([]any)
	if len(entries) != 1 || get(entries[0], "jobId") != csJob || get(entries[0], "sourceIdentity", "identityType") != "user" ||
		get(entries[0], "provisioningAction") != "update" || get(entries[0], "changeId") != a["changeId"] {
		t.Errorf("cloud sync log entries = %s", logs.raw)
	}

	// Cloud Sync subjects are DNs; other jobs do not take DNs.
	wantGraphError(t, h.graph("POST", jobPath(csSP, csJob)+"/provisionOnDemand", onDemandBody(csRule, adeleID, "user")), http.StatusNotFound, "Request_ResourceNotFound")
	wantGraphError(t, h.graph("POST", jobPath(csSP, csJob)+"/provisionOnDemand", onDemandBody(csRule, "CN=Nobody,OU=Users,DC=contoso,DC=test", "user")), http.StatusNotFound, "Request_ResourceNotFound")
	wantGraphError(t, h.graph("POST", jobPath(boxSP, boxJob)+"/provisionOnDemand", onDemandBody(boxRule, adeleDN, "User")), http.StatusNotFound, "Request_ResourceNotFound")
}

func decodeText(t *testing.T, value string) map[string]any {
	t.Helper()
	var a map[string]any
	if err := json.Unmarshal([]byte(value), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func stepNames(value map[string]any) []string {
	var out []string
	for _, s := range get(value, "provisioningSteps").([]any) {
		out = append(out, get(s, "name").(string)+":"+get(s, "type").(string))
	}
	return out
}

func TestGroupMembersGetTheirOwnLogEntries(t *testing.T) {
	h := start(t, Options{})
	count := func(filter string) []any {
		t.Helper()
		r := h.graph("GET", logsQuery(filter), nil)
		wantStatus(t, r, http.StatusOK)
		return get(r.body, "value").([]any)
	}
	before := len(count("jobId eq '" + boxJob + "'"))
	_, key, value := h.onDemandRaw(t, boxSP, boxJob, onDemandBody(boxGRule, salesID, "Group", adeleID, meganID))
	if key != `{"result":"Success","details":{}}` || value != "{}" {
		t.Errorf("group answer: key %s value %s", key, value)
	}
	if after := len(count("jobId eq '" + boxJob + "'")); after != before+3 {
		t.Errorf("%d new entries, want the group's and one per member", after-before)
	}
	q := func(subject string) any {
		return count("jobId eq '" + boxJob + "' and sourceIdentity/id eq '" + subject + "'")[0] // newest first
	}
	if e := q(salesID); get(e, "sourceIdentity", "identityType") != "Group" || get(e, "provisioningStatusInfo", "status") != "success" {
		t.Errorf("group entry = %v", e)
	}
	if e := q(adeleID); get(e, "provisioningAction") != "create" || get(e, "provisioningStatusInfo", "status") != "success" {
		t.Errorf("adele entry = %v", e)
	}
	if e := q(meganID); get(e, "provisioningStatusInfo", "status") != "skipped" || get(e, "provisioningSteps", 1, "details", "SkipReason") != "NotEffectivelyEntitled" {
		t.Errorf("megan entry = %v", e)
	}
	// Members listed again are now redundant for Adele.
	h.onDemandRaw(t, boxSP, boxJob, onDemandBody(boxGRule, salesID, "Group", adeleID))
	if e := q(adeleID); get(e, "provisioningStatusInfo", "status") != "skipped" || get(e, "provisioningAction") != "other" {
		t.Errorf("adele again = %v", e)
	}
}
