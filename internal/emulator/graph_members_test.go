package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Ids of the onboarding wave in the built-in tenant.
const (
	waveGroup        = "3b0e7a00-5c1d-4e2f-9b00-000000000001" // Onboarding Wave: user01–user30 and Wave Contractors
	contractorsGroup = "3b0e7a00-5c1d-4e2f-9b00-000000000002" // Wave Contractors: user31–user33
)

// waveUser is the object id of userNN@contoso.test (1–36).
func waveUser(n int) string { return fmt.Sprintf("3b0e7a00-5c1d-4e2f-9a00-0000000000%02d", n) }

// collect follows @odata.nextLink from path and returns every item.
func (h *harness) collect(t *testing.T, path string) []any {
	t.Helper()
	var all []any
	for pages := 0; path != ""; pages++ {
		if pages > 50 {
			t.Fatal("paging does not end")
		}
		r := h.graph("GET", path, nil)
		wantStatus(t, r, http.StatusOK)
		all = append(all, get(r.body, "value").([]any)...)
		path, _ = r.body["@odata.nextLink"].(string)
	}
	return all
}

func idsOf(items []any) []string {
	var ids []string
	for _, it := range items {
		ids = append(ids, get(it, "id").(string))
	}
	return ids
}

func TestGroupMembers(t *testing.T) {
	h := shared(t)
	for _, version := range []string{"beta", "v1.0"} {
		r := h.graph("GET", "/"+version+"/groups/"+waveGroup+"/members", nil)
		wantStatus(t, r, http.StatusOK)
		if ctx := r.body["@odata.context"].(string); ctx != h.s.URL()+"/"+version+"/$metadata#directoryObjects" {
			t.Errorf("@odata.context = %q", ctx)
		}
		items := get(r.body, "value").([]any)
		if len(items) != 31 {
			t.Fatalf("%s: %d members, want 30 users and 1 group", version, len(items))
		}
		users, groups := 0, 0
		for _, it := range items {
			switch get(it, "@odata.type") {
			case "#microsoft.graph.user":
				users++
				if keys(it) != "@odata.type,"+userFields {
					t.Errorf("user member fields = %s", keys(it))
				}
			case "#microsoft.graph.group":
				groups++
				if get(it, "id") != contractorsGroup || keys(it) != "@odata.type,deletedDateTime,description,displayName,groupTypes,id,mail,mailEnabled,mailNickname,securityEnabled" {
					t.Errorf("group member = %v", it)
				}
			default:
				t.Errorf("@odata.type = %v", get(it, "@odata.type"))
			}
		}
		if users != 30 || groups != 1 {
			t.Errorf("%d users, %d groups", users, groups)
		}
	}

	// Direct members only: user31 is a member of the nested group.
	ids := strings.Join(idsOf(get(h.graph("GET", "/beta/groups/"+waveGroup+"/members", nil).body, "value").([]any)), " ")
	if !strings.Contains(ids, waveUser(1)) || strings.Contains(ids, waveUser(31)) || strings.Contains(ids, waveUser(34)) {
		t.Errorf("members = %s", ids)
	}

	// Paging: $top with nextLink, every member once.
	r := h.graph("GET", "/beta/groups/"+waveGroup+"/members?$top=10", nil)
	if n := len(get(r.body, "value").([]any)); n != 10 {
		t.Errorf("page of %d", n)
	}
	next, _ := r.body["@odata.nextLink"].(string)
	if !strings.HasPrefix(next, h.s.URL()+"/beta/groups/"+waveGroup+"/members?") || !strings.Contains(next, "$skiptoken=") || !strings.Contains(next, "$top=10") {
		t.Errorf("nextLink = %q", next)
	}
	if all := h.collect(t, "/beta/groups/"+waveGroup+"/members?$top=7"); len(all) != 31 {
		t.Errorf("paged %d members", len(all))
	}
	for _, top := range []string{"0", "1000", "x"} {
		wantGraphError(t, h.graph("GET", "/beta/groups/"+waveGroup+"/members?$top="+top, nil), http.StatusBadRequest, "Request_BadRequest")
	}

	// $select keeps id and @odata.type; a user property is left out of groups.
	r = h.graph("GET", "/v1.0/groups/"+waveGroup+"/members?$select=displayName,userPrincipalName", nil)
	wantStatus(t, r, http.StatusOK)
	if ctx := r.body["@odata.context"].(string); !strings.HasSuffix(ctx, "#directoryObjects(displayName,userPrincipalName)") {
		t.Errorf("@odata.context = %q", ctx)
	}
	for _, it := range get(r.body, "value").([]any) {
		want := "@odata.type,displayName,id,userPrincipalName"
		if get(it, "@odata.type") == "#microsoft.graph.group" {
			want = "@odata.type,displayName,id"
		}
		if keys(it) != want {
			t.Errorf("selected %s, want %s", keys(it), want)
		}
	}
	wantGraphError(t, h.graph("GET", "/v1.0/groups/"+waveGroup+"/members?$select=nope", nil), http.StatusBadRequest, "Request_BadRequest")
	// $filter is not evaluated here, so it is refused rather than ignored.
	wantGraphError(t, h.graph("GET", "/v1.0/groups/"+waveGroup+"/transitiveMembers?$filter="+url.QueryEscape("id eq 'x'"), nil), http.StatusBadRequest, "Request_UnsupportedQuery")

	// Sales keeps its two users.
	if items := get(h.graph("GET", "/beta/groups/"+salesID+"/members", nil).body, "value").([]any); len(items) != 2 {
		t.Errorf("Sales has %d members", len(items))
	}
	// A user is no group, an unknown id is 404, and both are read-only.
	for _, rel := range []string{"members", "transitiveMembers"} {
		wantGraphError(t, h.graph("GET", "/beta/groups/"+adeleID+"/"+rel, nil), http.StatusNotFound, "Request_ResourceNotFound")
		wantGraphError(t, h.graph("GET", "/v1.0/groups/nope/"+rel, nil), http.StatusNotFound, "Request_ResourceNotFound")
		r := h.graph("POST", "/beta/groups/"+salesID+"/"+rel, nil)
		if r.status != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: %d", rel, r.status)
		}
	}
}

func TestGroupTransitiveMembers(t *testing.T) {
	h := shared(t)
	for _, version := range []string{"beta", "v1.0"} {
		items := h.collect(t, "/"+version+"/groups/"+waveGroup+"/transitiveMembers?$top=5")
		if len(items) != 34 {
			t.Fatalf("%d transitive members, want 33 users and 1 group", len(items))
		}
		seen := map[string]bool{}
		for _, it := range items {
			id := get(it, "id").(string)
			if seen[id] {
				t.Errorf("%s listed twice", id)
			}
			seen[id] = true
		}
		for n := 1; n <= 33; n++ {
			if !seen[waveUser(n)] {
				t.Errorf("user%02d missing", n)
			}
		}
		if !seen[contractorsGroup] || seen[waveUser(34)] {
			t.Errorf("transitive members = %v", idsOf(items))
		}
	}
	r := h.graph("GET", "/beta/groups/"+contractorsGroup+"/transitiveMembers?$select=id", nil)
	if ids := idsOf(get(r.body, "value").([]any)); strings.Join(ids, ",") != waveUser(31)+","+waveUser(32)+","+waveUser(33) {
		t.Errorf("contractors = %v", ids)
	}
	if keys(get(r.body, "value", 0)) != "@odata.type,id" {
		t.Errorf("$select=id: %s", keys(get(r.body, "value", 0)))
	}
}

func TestGroupMembersCycle(t *testing.T) {
	tenantFile := filepath.Join(t.TempDir(), "tenant.json")
	const a, b, c = "aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002", "aaaaaaaa-0000-4000-8000-000000000003"
	const u1, u2 = "bbbbbbbb-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"
	seed := `{"tenantId":"` + tenantID + `","domain":"contoso.test",
	  "users":[{"id":"` + u1 + `","userPrincipalName":"u1@contoso.test","displayName":"U1"},{"id":"` + u2 + `","userPrincipalName":"u2@contoso.test","displayName":"U2"}],
	  "groups":[{"id":"` + a + `","displayName":"A","members":["` + u1 + `","` + b + `"]},
	            {"id":"` + b + `","displayName":"B","members":["` + c + `","` + u1 + `"]},
	            {"id":"` + c + `","displayName":"C","members":["` + a + `","` + u2 + `"]}],
	  "application":{"clientId":"` + appID + `","displayName":"app"}}`
	if err := os.WriteFile(tenantFile, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{TenantFile: tenantFile})
	items := h.collect(t, "/beta/groups/"+a+"/transitiveMembers")
	ids := idsOf(items)
	sort.Strings(ids)
	want := []string{b, c, u1, u2}
	sort.Strings(want)
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("transitive members of A = %v, want %v", ids, want)
	}
	if ids := idsOf(h.collect(t, "/beta/groups/"+c+"/members")); strings.Join(ids, " ") != a+" "+u2 {
		t.Errorf("members of C = %v", ids)
	}
}

func TestDirectoryReadPermissions(t *testing.T) {
	h := shared(t)
	members := "/beta/groups/" + waveGroup + "/members"
	transitive := "/v1.0/groups/" + waveGroup + "/transitiveMembers"
	assigned := "/beta/servicePrincipals/" + boxSP + "/appRoleAssignedTo"
	tests := []struct {
		name, path string
		perms      []string
		ok         bool
	}{
		{"members with GroupMember.Read.All", members, []string{"GroupMember.Read.All"}, true},
		{"members with Group.Read.All", transitive, []string{"Group.Read.All"}, true},
		{"members with Directory.Read.All", transitive, []string{"Directory.Read.All"}, true},
		{"members with sync only", members, []string{"Synchronization.ReadWrite.All"}, false},
		{"members with User.Read.All", transitive, []string{"User.Read.All"}, false},
		{"assignments with Application.Read.All", assigned, []string{"Application.Read.All"}, true},
		{"assignments with Directory.Read.All", assigned, []string{"Directory.Read.All"}, true},
		{"assignments with sync only", assigned, []string{"Synchronization.Read.All"}, false},
		{"assignments with Group.Read.All", assigned, []string{"Group.Read.All"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.call("GET", tt.path, nil, "Authorization", "Bearer "+h.tokenWith(tt.perms...))
			if tt.ok {
				wantStatus(t, r, http.StatusOK)
				return
			}
			wantGraphError(t, r, http.StatusForbidden, "Authorization_RequestDenied")
		})
	}
	wantGraphError(t, h.call("GET", members, nil), http.StatusUnauthorized, "InvalidAuthenticationToken")
}

func TestInFilter(t *testing.T) {
	h := shared(t)
	users := func(filter string) response {
		return h.graph("GET", "/v1.0/users?$filter="+url.QueryEscape(filter), nil)
	}
	quoted := func(ids ...string) string {
		var q []string
		for _, id := range ids {
			q = append(q, "'"+strings.ReplaceAll(id, "'", "''")+"'")
		}
		return "(" + strings.Join(q, ",") + ")"
	}
	for filter, want := range map[string]string{
		"id in " + quoted(adeleID, waveUser(7), "00000000-0000-0000-0000-000000000000"): adeleID + " " + waveUser(7),
		"id  in  ( '" + strings.ToUpper(meganID) + "' )":                                meganID,
		"userPrincipalName in ('USER05@contoso.test','nobody@contoso.test')":            waveUser(5),
		"mail in ('user36@contoso.test', 'megan@contoso.test')":                         meganID + " " + waveUser(36),
		"userPrincipalName in ('o''brien@contoso.test')":                                "",
		"startswith(displayName,'Wave User 3') and mail in ('user31@contoso.test')":     waveUser(31),
	} {
		r := users(filter)
		wantStatus(t, r, http.StatusOK)
		if got := strings.Join(idsOf(get(r.body, "value").([]any)), " "); got != want {
			t.Errorf("%s: %s, want %s", filter, got, want)
		}
	}

	var fifteen, sixteen []string
	for n := 1; n <= 16; n++ {
		if n <= 15 {
			fifteen = append(fifteen, waveUser(n))
		}
		sixteen = append(sixteen, waveUser(n))
	}
	r := users("id in " + quoted(fifteen...))
	wantStatus(t, r, http.StatusOK)
	if n := len(get(r.body, "value").([]any)); n != 15 {
		t.Errorf("15 values matched %d users", n)
	}
	const tooMany = "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15."
	r = users("id in " + quoted(sixteen...))
	wantGraphError(t, r, http.StatusBadRequest, "Request_UnsupportedQuery")
	if get(r.body, "error", "message") != tooMany {
		t.Errorf("message = %v", get(r.body, "error", "message"))
	}
	// or-chains count the same way, `in` values included.
	var eqs []string
	for _, id := range sixteen {
		eqs = append(eqs, "id eq '"+id+"'")
	}
	r = users(strings.Join(eqs, " or "))
	wantGraphError(t, r, http.StatusBadRequest, "Request_UnsupportedQuery")
	if get(r.body, "error", "message") != tooMany {
		t.Errorf("message = %v", get(r.body, "error", "message"))
	}
	wantGraphError(t, users("id in "+quoted(fifteen...)+" or mail eq 'x'"), http.StatusBadRequest, "Request_UnsupportedQuery")
	wantStatus(t, users(strings.Join(eqs[:15], " or ")), http.StatusOK)

	// Syntax errors and unsupported uses.
	wantGraphError(t, users("id in ()"), http.StatusBadRequest, "BadRequest")
	wantGraphError(t, users("id in ('a',)"), http.StatusBadRequest, "BadRequest")
	wantGraphError(t, users("jobTitle in ('New Hire')"), http.StatusBadRequest, "Request_UnsupportedQuery")

	// Groups: id in (…).
	r = h.graph("GET", "/beta/groups?$filter="+url.QueryEscape("id in "+quoted(salesID, contractorsGroup)), nil)
	wantStatus(t, r, http.StatusOK)
	if got := strings.Join(idsOf(get(r.body, "value").([]any)), " "); got != salesID+" "+contractorsGroup {
		t.Errorf("groups in: %s", got)
	}
	r = h.graph("GET", "/beta/groups?$filter="+url.QueryEscape("id in "+quoted(sixteen...)), nil)
	wantGraphError(t, r, http.StatusBadRequest, "Request_UnsupportedQuery")
}
