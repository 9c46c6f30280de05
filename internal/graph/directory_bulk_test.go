package graph

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// wireQuery splits a recorded request line into its path and query.
func wireQuery(t *testing.T, line string) (string, url.Values) {
	t.Helper()
	method, rest, _ := strings.Cut(line, " ")
	if method != http.MethodGet {
		t.Errorf("method %s, want GET", method)
	}
	path, raw, _ := strings.Cut(rest, "?")
	q, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatalf("query %q: %v", raw, err)
	}
	return path, q
}

func TestUsersWhereInRequest(t *testing.T) {
	tests := []struct {
		by     UserLookup
		values []string
		filter string
	}{
		{ByUPN, []string{"adele@contoso.com", "o'neil@contoso.com"}, "userPrincipalName in ('adele@contoso.com','o''neil@contoso.com')"},
		{ByID, []string{"9bb0f679-a883-4a6f-8260-35b491b8b8c8"}, "id in ('9bb0f679-a883-4a6f-8260-35b491b8b8c8')"},
		{ByMail, []string{"a@contoso.com", "b@contoso.com", "c''@x.com"}, "mail in ('a@contoso.com','b@contoso.com','c''''@x.com')"},
	}
	for _, tt := range tests {
		t.Run(string(tt.by), func(t *testing.T) {
			body := `{"value":[{"id":"u1","displayName":"Adele Vance","userPrincipalName":"adele@contoso.com","mail":"adele.vance@contoso.com"}]}`
			c, rec := newWireServer(t, http.StatusOK, nil, body)
			users, err := c.UsersWhereIn(context.Background(), tt.by, tt.values)
			if err != nil {
				t.Fatal(err)
			}
			if len(users) != 1 || users[0].ID != "u1" || users[0].Mail != "adele.vance@contoso.com" || users[0].UserPrincipalName != "adele@contoso.com" {
				t.Errorf("users = %+v", users)
			}
			path, q := wireQuery(t, rec.only(t).line)
			if path != "/beta/users" {
				t.Errorf("path %s", path)
			}
			if got := q.Get("$filter"); got != tt.filter {
				t.Errorf("$filter\n got %s\nwant %s", got, tt.filter)
			}
			sel := strings.Split(q.Get("$select"), ",")
			for _, want := range []string{"id", "displayName", "userPrincipalName", "mail"} {
				if !slices.Contains(sel, want) {
					t.Errorf("$select %v lacks %s", sel, want)
				}
			}
			if q.Get("$top") == "" {
				t.Errorf("no $top: %v", q)
			}
		})
	}
}

func TestUsersWhereInTakesFifteen(t *testing.T) {
	values := make([]string, MaxInValues)
	for i := range values {
		values[i] = fmt.Sprintf("u%02d@contoso.com", i)
	}
	c, rec := newWireServer(t, http.StatusOK, nil, `{"value":[]}`)
	if _, err := c.UsersWhereIn(context.Background(), ByUPN, values); err != nil {
		t.Fatal(err)
	}
	_, q := wireQuery(t, rec.only(t).line)
	if n := strings.Count(q.Get("$filter"), "@contoso.com'"); n != 15 {
		t.Errorf("%d values in %s", n, q.Get("$filter"))
	}
}

func TestUsersWhereInRefuses(t *testing.T) {
	sixteen := make([]string, MaxInValues+1)
	for i := range sixteen {
		sixteen[i] = fmt.Sprintf("u%02d@contoso.com", i)
	}
	tests := []struct {
		name   string
		by     UserLookup
		values []string
	}{
		{"no values", ByUPN, nil},
		{"empty list", ByID, []string{}},
		{"sixteen", ByUPN, sixteen},
		{"unknown property", UserLookup("displayName"), []string{"Adele"}},
		{"injected property", UserLookup("id eq 'x' or id"), []string{"Adele"}},
		{"empty property", UserLookup(""), []string{"a@contoso.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newWireServer(t, http.StatusOK, nil, `{"value":[]}`)
			if _, err := c.UsersWhereIn(context.Background(), tt.by, tt.values); err == nil {
				t.Error("accepted")
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if len(rec.seen) != 0 {
				t.Errorf("a request was sent: %+v", rec.seen)
			}
		})
	}
}

func TestGroupUsersKeepsOnlyUsers(t *testing.T) {
	body := `{"value":[
	 {"@odata.type":"#microsoft.graph.user","id":"u1","displayName":"Adele Vance","userPrincipalName":"adele@contoso.com"},
	 {"@odata.type":"#microsoft.graph.group","id":"g2","displayName":"Sales EU"},
	 {"@odata.type":"#microsoft.graph.device","id":"d1","displayName":"laptop"},
	 {"@odata.type":"#microsoft.graph.servicePrincipal","id":"s1","displayName":"Box"},
	 {"@odata.type":"#Microsoft.Graph.User","id":"u2","displayName":"Lee Gu","userPrincipalName":"lee@contoso.com"},
	 {"id":"x1","displayName":"no type"}]}`
	for _, tt := range []struct {
		transitive bool
		path       string
	}{
		{false, "/beta/groups/g1/members"},
		{true, "/beta/groups/g1/transitiveMembers"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			c, rec := newWireServer(t, http.StatusOK, nil, body)
			users, err := c.GroupUsers(context.Background(), "g1", tt.transitive)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, u := range users {
				ids = append(ids, u.ID)
			}
			if !slices.Equal(ids, []string{"u1", "u2"}) {
				t.Errorf("users = %+v", users)
			}
			path, q := wireQuery(t, rec.only(t).line)
			if path != tt.path {
				t.Errorf("path %s, want %s", path, tt.path)
			}
			if q.Get("$filter") != "" || strings.Contains(path, "microsoft.graph") {
				t.Errorf("a filter or cast was sent: %s?%s", path, q.Encode())
			}
			sel := strings.Split(q.Get("$select"), ",")
			for _, want := range []string{"id", "displayName", "userPrincipalName"} {
				if !slices.Contains(sel, want) {
					t.Errorf("$select %v lacks %s", sel, want)
				}
			}
		})
	}
}

// GroupUsers follows @odata.nextLink and keeps the users of every page.
func TestGroupUsersFollowsPages(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("$skiptoken") == "" {
			fmt.Fprintf(w, `{"value":[{"@odata.type":"#microsoft.graph.user","id":"u1"},{"@odata.type":"#microsoft.graph.group","id":"g9"}],"@odata.nextLink":%q}`,
				srv.URL+"/beta/groups/g1/transitiveMembers?$skiptoken=p2")
			return
		}
		fmt.Fprint(w, `{"value":[{"@odata.type":"#microsoft.graph.user","id":"u2"}]}`)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, HTTP: srv.Client(), Retry: RetryPolicy{MaxAttempts: 1}}
	users, err := c.GroupUsers(context.Background(), "g1", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[0].ID != "u1" || users[1].ID != "u2" {
		t.Errorf("users = %+v", users)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 {
		t.Errorf("requests = %q", seen)
	}
}

func TestAppRoleAssignedToRequest(t *testing.T) {
	body := `{"value":[
	 {"id":"a1","principalId":"u1","principalType":"User","principalDisplayName":"Adele Vance","appRoleId":"00000000-0000-0000-0000-000000000000"},
	 {"id":"a2","principalId":"g1","principalType":"Group","principalDisplayName":"Sales"}]}`
	c, rec := newWireServer(t, http.StatusOK, nil, body)
	list, err := c.AppRoleAssignedTo(context.Background(), "sp1")
	if err != nil {
		t.Fatal(err)
	}
	want := []AppRoleAssignment{
		{ID: "a1", PrincipalID: "u1", PrincipalType: "User", PrincipalDisplayName: "Adele Vance"},
		{ID: "a2", PrincipalID: "g1", PrincipalType: "Group", PrincipalDisplayName: "Sales"},
	}
	if !slices.Equal(list, want) {
		t.Errorf("assignments = %+v", list)
	}
	got := rec.only(t).line
	if wantLine := "GET /beta/servicePrincipals/sp1/appRoleAssignedTo?$select=id%2CprincipalId%2CprincipalType%2CprincipalDisplayName&$top=999"; got != wantLine {
		t.Errorf("request\n got %s\nwant %s", got, wantLine)
	}
}

func TestDirectoryBulkPathsEscapeIDs(t *testing.T) {
	c, rec := newWireServer(t, http.StatusOK, nil, `{"value":[]}`)
	// Ids reach these validated; a stray character is still escaped, never
	// a new path segment.
	if _, err := c.GroupUsers(context.Background(), "g 1", false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AppRoleAssignedTo(context.Background(), "s?p"); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.seen) != 2 || !strings.HasPrefix(rec.seen[0].line, "GET /beta/groups/g%201/members?") ||
		!strings.HasPrefix(rec.seen[1].line, "GET /beta/servicePrincipals/s%3Fp/appRoleAssignedTo?") {
		t.Errorf("requests = %+v", rec.seen)
	}
}
