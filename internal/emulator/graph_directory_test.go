package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const userFields = "businessPhones,displayName,givenName,id,jobTitle,mail,mobilePhone,officeLocation,preferredLanguage,surname,userPrincipalName"

func TestUsersAndGroups(t *testing.T) {
	h := shared(t)
	for _, key := range []string{adeleID, "adele@contoso.test", "ADELE@contoso.test"} {
		r := h.graph("GET", "/beta/users/"+key, nil)
		wantStatus(t, r, http.StatusOK)
		if r.body["id"] != adeleID || keys(r.body) != "@odata.context,"+userFields {
			t.Errorf("%s: %s", key, r.raw)
		}
	}
	wantGraphError(t, h.graph("GET", "/beta/users/nobody@contoso.test", nil), http.StatusNotFound, "Request_ResourceNotFound")

	r := h.graph("GET", "/beta/users?$filter="+url.QueryEscape("userPrincipalName eq 'megan@contoso.test'"), nil)
	wantStatus(t, r, http.StatusOK)
	if v := get(r.body, "value").([]any); len(v) != 1 || get(v[0], "id") != meganID {
		t.Errorf("user filter: %s", r.raw)
	}
	r = h.graph("GET", "/v1.0/users?$select=id,displayName", nil)
	if v := get(r.body, "value").([]any); len(v) != 38 || keys(v[0]) != "displayName,id" {
		t.Errorf("users $select: %s", r.raw)
	}

	r = h.graph("GET", "/beta/groups?$filter="+url.QueryEscape("displayName eq 'Sales'"), nil)
	wantStatus(t, r, http.StatusOK)
	if v := get(r.body, "value").([]any); len(v) != 1 || get(v[0], "id") != salesID {
		t.Errorf("group filter: %s", r.raw)
	}
	r = h.graph("GET", "/beta/groups/"+salesID, nil)
	if r.body["displayName"] != "Sales" || r.body["securityEnabled"] != true {
		t.Errorf("group: %s", r.raw)
	}
	r = h.graph("GET", "/beta/groups/"+salesID+"/members", nil)
	wantStatus(t, r, http.StatusOK)
	members := get(r.body, "value").([]any)
	if len(members) != 2 || get(members[0], "@odata.type") != "#microsoft.graph.user" {
		t.Errorf("members: %s", r.raw)
	}
	wantGraphError(t, h.graph("GET", "/beta/groups/"+adeleID, nil), http.StatusNotFound, "Request_ResourceNotFound")
	wantGraphError(t, h.graph("GET", "/beta/groups/nope/members", nil), http.StatusNotFound, "Request_ResourceNotFound")

	me := h.graph("GET", "/v1.0/me", nil)
	if me.body["userPrincipalName"] != "adele@contoso.test" {
		t.Errorf("/me: %s", me.raw)
	}
}

func TestSchemaRules(t *testing.T) {
	h := shared(t)
	r := h.graph("GET", jobPath(boxSP, boxJob)+"/schema", nil)
	wantStatus(t, r, http.StatusOK)
	if keys(r.body) != "@odata.context,directories,id,synchronizationRules,version" {
		t.Errorf("schema fields = %s", keys(r.body))
	}
	rules := get(r.body, "synchronizationRules").([]any)
	var got []string
	for _, rule := range rules {
		if keys(rule) != "containerFilter,editable,groupFilter,id,metadata,name,objectMappings,priority,sourceDirectoryName,targetDirectoryName" {
			t.Errorf("rule fields = %s", keys(rule))
		}
		m := get(rule, "objectMappings", 0)
		got = append(got, get(rule, "id").(string)+"="+get(m, "sourceObjectName").(string)+">"+get(m, "targetObjectName").(string))
	}
	if strings.Join(got, " ") != boxRule+"=User>User "+boxGRule+"=Group>Group" {
		t.Errorf("Box rules = %v", got)
	}

	// Contoso HR: two user rules in each job (ambiguous without --rule).
	for _, job := range []string{
		"API2AAD.6a2de5866d0e4e39a06f39c6893e0873.2e4a6c8e-0b2d-4f6a-9c8e-4a6c8e0b2d4f",
		"scimOutDelta.6a2de5866d0e4e39a06f39c6893e0873.9c1e3a5b-7d9f-4b1d-8e3a-5c7e9b1d3f5a",
	} {
		r := h.graph("GET", jobPath(hrSP, job)+"/schema", nil)
		users := 0
		for _, rule := range get(r.body, "synchronizationRules").([]any) {
			if get(rule, "objectMappings", 0, "sourceObjectName") == "User" {
				users++
			}
		}
		if users != 2 {
			t.Errorf("%s: %d user rules", job, users)
		}
	}
}
