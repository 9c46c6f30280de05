package emulator

import (
	"encoding/base64"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const appRoleAssignmentFields = "appRoleId,createdDateTime,deletedDateTime,id,principalDisplayName,principalId,principalType,resourceDisplayName,resourceId"

func TestAppRoleAssignedTo(t *testing.T) {
	h := shared(t)
	for _, version := range []string{"beta", "v1.0"} {
		r := h.graph("GET", "/"+version+"/servicePrincipals/"+boxSP+"/appRoleAssignedTo", nil)
		wantStatus(t, r, http.StatusOK)
		if ctx := r.body["@odata.context"].(string); ctx != h.s.URL()+"/"+version+"/$metadata#servicePrincipals('"+boxSP+"')/appRoleAssignedTo" {
			t.Errorf("@odata.context = %q", ctx)
		}
		items := get(r.body, "value").([]any)
		if len(items) != 2 {
			t.Fatalf("Box has %d assignments: %s", len(items), r.raw)
		}
		want := []struct{ id, typ, name string }{{adeleID, "User", "Adele Vance"}, {waveGroup, "Group", "Onboarding Wave"}}
		for i, it := range items {
			if keys(it) != appRoleAssignmentFields {
				t.Errorf("fields = %s", keys(it))
			}
			if get(it, "principalId") != want[i].id || get(it, "principalType") != want[i].typ || get(it, "principalDisplayName") != want[i].name {
				t.Errorf("assignment %d = %v", i, it)
			}
			if get(it, "appRoleId") != "00000000-0000-0000-0000-000000000000" || get(it, "resourceId") != boxSP ||
				get(it, "resourceDisplayName") != "Box" || get(it, "deletedDateTime") != nil {
				t.Errorf("assignment %d = %v", i, it)
			}
			created, _ := get(it, "createdDateTime").(string)
			if _, err := time.Parse(time.RFC3339Nano, created); err != nil || !strings.HasSuffix(created, "Z") || len(created) != len("2021-02-02T04:22:45.9480566Z") {
				t.Errorf("createdDateTime %q: %v", created, err)
			}
			// The id is 32 bytes of base64url, the principal's GUID first.
			id, _ := get(it, "id").(string)
			raw, err := base64.RawURLEncoding.DecodeString(id)
			if err != nil || len(id) != 43 || len(raw) != 32 {
				t.Errorf("id %q: %v", id, err)
			}
		}
		if get(items[0], "id") == get(items[1], "id") {
			t.Error("two assignments share an id")
		}
	}
	// Microsoft's example: principal cdb555e3-… gives an id starting 41W1zT6z1U-kJxf62svfp.
	if id := appRoleAssignmentID("cdb555e3-b33e-4fd5-a427-17fadacbdfa7", "8e881353-1735-45af-af21-ee1344582a4d"); !strings.HasPrefix(id, "41W1zT6z1U-kJxf62svfp") {
		t.Errorf("id = %s", id)
	}

	// Stable: the same ids on every read, and through the appId key.
	first := idsOf(get(h.graph("GET", "/beta/servicePrincipals/"+boxSP+"/appRoleAssignedTo", nil).body, "value").([]any))
	r := h.graph("GET", "/beta/servicePrincipals(appId='a7c1e3f5-2b4d-4c6e-8f0a-1b3d5e7f9a2c')/appRoleAssignedTo", nil)
	wantStatus(t, r, http.StatusOK)
	if again := idsOf(get(r.body, "value").([]any)); strings.Join(again, ",") != strings.Join(first, ",") {
		t.Errorf("ids changed: %v then %v", first, again)
	}

	// $top, nextLink and $select.
	r = h.graph("GET", "/beta/servicePrincipals/"+boxSP+"/appRoleAssignedTo?$top=1&$select=id,principalId,principalType,principalDisplayName", nil)
	wantStatus(t, r, http.StatusOK)
	if items := get(r.body, "value").([]any); len(items) != 1 || keys(items[0]) != "id,principalDisplayName,principalId,principalType" {
		t.Errorf("page = %s", r.raw)
	}
	if ctx := r.body["@odata.context"].(string); !strings.HasSuffix(ctx, "/appRoleAssignedTo(id,principalId,principalType,principalDisplayName)") {
		t.Errorf("@odata.context = %q", ctx)
	}
	if all := h.collect(t, "/beta/servicePrincipals/"+boxSP+"/appRoleAssignedTo?$top=1"); len(all) != 2 {
		t.Errorf("paged %d assignments", len(all))
	}
	wantGraphError(t, h.graph("GET", "/beta/servicePrincipals/"+boxSP+"/appRoleAssignedTo?$top=1000", nil), http.StatusBadRequest, "Request_BadRequest")
	wantGraphError(t, h.graph("GET", "/beta/servicePrincipals/"+boxSP+"/appRoleAssignedTo?$select=nope", nil), http.StatusBadRequest, "Request_BadRequest")
	wantGraphError(t, h.graph("GET", "/beta/servicePrincipals/"+boxSP+"/appRoleAssignedTo?$filter=principalType%20eq%20'User'", nil), http.StatusBadRequest, "Request_UnsupportedQuery")

	// An app without assignments, an unknown service principal.
	r = h.graph("GET", "/v1.0/servicePrincipals/"+hrSP+"/appRoleAssignedTo", nil)
	wantStatus(t, r, http.StatusOK)
	if items := get(r.body, "value").([]any); len(items) != 0 {
		t.Errorf("Contoso HR: %s", r.raw)
	}
	wantGraphError(t, h.graph("GET", "/v1.0/servicePrincipals/00000000-0000-0000-0000-000000000001/appRoleAssignedTo", nil), http.StatusNotFound, "ResourceNotFound")
	if r := h.graph("POST", "/v1.0/servicePrincipals/"+boxSP+"/appRoleAssignedTo", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", r.status)
	}
}

// A user is in Box's scope when assigned directly or as a direct member of
// an assigned group; members of a nested group and users in no group are not.
func TestOnDemandScopeThroughGroupAssignment(t *testing.T) {
	h := start(t, Options{RateLimit: RateLimitOff})
	for _, tt := range []struct {
		user           int
		result, reason string
	}{
		{1, "Success", ""},
		{30, "Success", ""},
		{31, "Skipped", "NotEffectivelyEntitled"}, // nested group: not assigned
		{33, "Skipped", "NotEffectivelyEntitled"},
		{34, "Skipped", "NotEffectivelyEntitled"}, // in no group
		{36, "Skipped", "NotEffectivelyEntitled"},
	} {
		a := h.provision(t, boxSP, boxJob, onDemandBody(boxRule, waveUser(tt.user), "User"))
		if a.key["result"] != tt.result || get(a.key, "details", "errorCode") != nilIfEmpty(tt.reason) {
			t.Errorf("user%02d: key %v", tt.user, a.key)
		}
		if tt.result == "Skipped" {
			// The same answer as Megan's, who is assigned to nothing.
			if strings.Join(stepsOf(a.value), ",") != "Import:Success,Scoping:Skipped" {
				t.Errorf("user%02d: steps %v", tt.user, stepsOf(a.value))
			}
		}
	}
	// The second run of an assigned wave user is redundant, as for Adele.
	a := h.provision(t, boxSP, boxJob, onDemandBody(boxRule, waveUser(1), "User"))
	if get(a.key, "details", "errorCode") != "RedundantExport" {
		t.Errorf("second run: %v", a.key)
	}
	// Group assignment is Box's only: user01 is out of Slack's scope.
	a = h.provision(t, slackSP, slackJob, onDemandBody(slackRule, waveUser(1), "User"))
	if get(a.key, "details", "errorCode") != "NotEffectivelyEntitled" {
		t.Errorf("Slack: %v", a.key)
	}
}

func TestBenchTenantServes(t *testing.T) {
	h := start(t, Options{TenantFile: filepath.Join("..", "..", "bench", "testdata", "tenant-bulk.json"), RateLimit: "5/1s"})
	if users := h.collect(t, "/v1.0/users?$select=id&$top=999"); len(users) != 138 {
		t.Errorf("%d users", len(users))
	}
	if got := h.collect(t, "/v1.0/servicePrincipals/"+boxSP+"/appRoleAssignedTo?$top=50"); len(got) != 102 {
		t.Errorf("%d Box assignments", len(got))
	}
	a := h.provision(t, boxSP, boxJob, onDemandBody(boxRule, "3b0e7a00-5c1d-4e2f-9c00-000000000100", "User"))
	if a.key["result"] != "Success" {
		t.Errorf("bulk100: %v", a.key)
	}
}
