package emulator

import (
	"net/http"
	"testing"
)

func TestRedirect(t *testing.T) {
	h := start(t, Options{})
	h.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	h.arm([]fault{
		{Path: "/servicePrincipals", Redirect: "http://127.0.0.1:1"},
		{Path: "/oauth2/v2.0/token", Redirect: "https://127.0.0.1:9/elsewhere?x=1", Status: 302},
	})

	// Without a path: the same request, downgraded to http.
	r := h.graph("GET", "/beta/servicePrincipals?$top=1", nil)
	wantStatus(t, r, http.StatusTemporaryRedirect)
	if loc := r.header.Get("Location"); loc != "http://127.0.0.1:1/beta/servicePrincipals?$top=1" {
		t.Errorf("Location = %q", loc)
	}
	if r.header.Get("request-id") == "" {
		t.Error("a Graph redirect lacks request-id")
	}
	// With a path: verbatim.
	r = h.call("POST", "/organizations/oauth2/v2.0/token", "grant_type=client_credentials")
	wantStatus(t, r, http.StatusFound)
	if loc := r.header.Get("Location"); loc != "https://127.0.0.1:9/elsewhere?x=1" {
		t.Errorf("Location = %q", loc)
	}
	wantStatus(t, h.graph("GET", "/beta/servicePrincipals", nil), http.StatusOK)

	for _, bad := range []string{`{"redirect":"ftp://127.0.0.1/"}`, `{"redirect":"/relative"}`, `{"redirect":"https://127.0.0.1:1","status":500}`,
		`{"redirect":"https://127.0.0.1:1","dripMs":1}`, `{"redirect":"https://127.0.0.1:1","hang":true}`} {
		if r := h.call("POST", "/_emulator/faults", bad); r.status != http.StatusBadRequest {
			t.Errorf("fault %s: status %d", bad, r.status)
		}
	}
}
