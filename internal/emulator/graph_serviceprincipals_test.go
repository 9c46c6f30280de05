package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const spFields = "accountEnabled,appDisplayName,appId,appOwnerOrganizationId,appRoleAssignmentRequired,deletedDateTime,displayName,homepage,id,preferredSingleSignOnMode,servicePrincipalNames,servicePrincipalType,signInAudience,tags"

func spQuery(q url.Values) string {
	return "/beta/servicePrincipals?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}

func TestListServicePrincipalsFilters(t *testing.T) {
	h := shared(t)
	tests := []struct {
		name, filter string
		wantIDs      []string
	}{
		{"displayName eq", "displayName eq 'Box'", []string{boxSP}},
		{"eq is case-insensitive", "displayName eq 'SLACK'", []string{slackSP}},
		{"startswith", "startswith(displayName,'sales')", []string{sfSP}},
		{"appId eq", "appId eq 'f2b4d6e8-0a1c-4e3f-8b5d-7f9a1c3e5b7d'", []string{slackSP}},
		{"escaped quote", "displayName eq 'Contoso''s Expenses'", []string{"8d0f2b4d-6a8c-4e0f-b2d4-6a8c0e2f4b6d"}},
		{"or", "displayName eq 'Box' or displayName eq 'Slack'", []string{boxSP, slackSP}},
		{"no match", "displayName eq 'Nope'", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.graph("GET", spQuery(url.Values{"$filter": {tt.filter}}), nil)
			wantStatus(t, r, http.StatusOK)
			var ids []string
			for _, v := range get(r.body, "value").([]any) {
				ids = append(ids, get(v, "id").(string))
			}
			if strings.Join(ids, ",") != strings.Join(tt.wantIDs, ",") {
				t.Errorf("ids = %v, want %v", ids, tt.wantIDs)
			}
			if ctx, _ := r.body["@odata.context"].(string); !strings.HasSuffix(ctx, "/beta/$metadata#servicePrincipals") {
				t.Errorf("@odata.context = %q", ctx)
			}
		})
	}
}

func TestListServicePrincipalsRejectsBadQueries(t *testing.T) {
	h := shared(t)
	for _, q := range []url.Values{
		{"$filter": {"displayName eq 'unterminated"}},
		{"$filter": {"nonsense eq 'x'"}},
		{"$filter": {"endswith(displayName,'x')"}},
		{"$top": {"1000"}},
		{"$top": {"zero"}},
		{"$select": {"id,bogus"}},
		{"$skiptoken": {"garbage"}},
	} {
		r := h.graph("GET", spQuery(q), nil)
		if r.status != http.StatusBadRequest {
			t.Errorf("%v: status %d, want 400: %s", q, r.status, r.raw)
		}
	}
}

func TestListServicePrincipalsSelectAndPaging(t *testing.T) {
	h := shared(t)
	r := h.graph("GET", "/v1.0/servicePrincipals", nil)
	wantStatus(t, r, http.StatusOK)
	all := get(r.body, "value").([]any)
	if len(all) < 9 {
		t.Fatalf("%d service principals, want the seeded ones", len(all))
	}
	if got := keys(all[0]); got != spFields {
		t.Errorf("servicePrincipal fields = %s", got)
	}
	if _, ok := r.body["@odata.nextLink"]; ok {
		t.Error("nextLink on a complete page")
	}

	var seen []string
	next := spQuery(url.Values{"$top": {"4"}, "$select": {"id,appId,displayName"}})
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		r := h.graph("GET", next, nil)
		wantStatus(t, r, http.StatusOK)
		for _, v := range get(r.body, "value").([]any) {
			if keys(v) != "appId,displayName,id" {
				t.Errorf("selected fields = %s", keys(v))
			}
			seen = append(seen, get(v, "id").(string))
		}
		if ctx := r.body["@odata.context"].(string); !strings.HasSuffix(ctx, "#servicePrincipals(id,appId,displayName)") {
			t.Errorf("@odata.context = %q", ctx)
		}
		next, _ = r.body["@odata.nextLink"].(string)
		if next != "" && (!strings.HasPrefix(next, h.s.URL()+"/beta/servicePrincipals?") || !strings.Contains(next, "$skiptoken=")) {
			t.Errorf("nextLink = %q", next)
		}
	}
	if len(seen) != len(all) {
		t.Errorf("paged through %d, want %d", len(seen), len(all))
	}
}

func TestGetServicePrincipal(t *testing.T) {
	h := shared(t)
	for _, path := range []string{
		"/beta/servicePrincipals/" + boxSP,
		"/beta/servicePrincipals/" + strings.ToUpper(boxSP),
		"/v1.0/servicePrincipals(appId='a7c1e3f5-2b4d-4c6e-8f0a-1b3d5e7f9a2c')",
		"/v1.0/servicePrincipals(appId=%27a7c1e3f5-2b4d-4c6e-8f0a-1b3d5e7f9a2c%27)",
	} {
		r := h.graph("GET", path, nil)
		wantStatus(t, r, http.StatusOK)
		if r.body["id"] != boxSP || r.body["displayName"] != "Box" || r.body["value"] != nil {
			t.Errorf("%s: got %s", path, r.raw)
		}
		if ctx, _ := r.body["@odata.context"].(string); !strings.HasSuffix(ctx, "#servicePrincipals/$entity") {
			t.Errorf("%s: @odata.context %q", path, ctx)
		}
	}
	r := h.graph("GET", "/beta/servicePrincipals/00000000-0000-0000-0000-000000000000", nil)
	wantGraphError(t, r, http.StatusNotFound, "ResourceNotFound")
	if !strings.Contains(get(r.body, "error", "message").(string), "00000000-0000-0000-0000-000000000000") {
		t.Errorf("404 message does not name the id: %s", r.raw)
	}
	wantGraphError(t, h.graph("GET", "/beta/servicePrincipals(appId='nope')", nil), http.StatusNotFound, "ResourceNotFound")
	wantGraphError(t, h.graph("DELETE", "/beta/servicePrincipals/"+boxSP, nil), http.StatusMethodNotAllowed, "Request_BadRequest")
}
