package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestGraphRejectsBadBearer(t *testing.T) {
	h := start(t, Options{TokenLifetime: time.Minute})
	other := start(t, Options{})
	expiring := h.tokenWith("Synchronization.Read.All")

	tests := []struct {
		name, auth, message string
	}{
		{"missing", "", "Access token is empty."},
		{"not bearer", "Basic abc", "Access token is empty."},
		{"malformed", "Bearer not-a-jwt", "not well formed"},
		{"foreign", "Bearer " + other.token, "Invalid signature"},
		{"tampered", "Bearer " + h.token[:len(h.token)-4] + "AAAA", "Invalid signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r response
			if tt.auth == "" {
				r = h.call("GET", "/beta/servicePrincipals", nil)
			} else {
				r = h.call("GET", "/beta/servicePrincipals", nil, "Authorization", tt.auth)
			}
			wantGraphError(t, r, http.StatusUnauthorized, "InvalidAuthenticationToken")
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
			}
			if msg, _ := get(r.body, "error", "message").(string); !strings.Contains(msg, tt.message) {
				t.Errorf("message %q, want it to contain %q", msg, tt.message)
			}
		})
	}

	t.Run("expired by lifetime", func(t *testing.T) {
		h.s.clock.advance(2 * time.Minute)
		defer h.s.clock.advance(-2 * time.Minute)
		r := h.call("GET", "/beta/servicePrincipals", nil, "Authorization", "Bearer "+expiring)
		wantGraphError(t, r, http.StatusUnauthorized, "InvalidAuthenticationToken")
		if msg := get(r.body, "error", "message"); msg != "Lifetime validation failed, the token is expired." {
			t.Errorf("message %v", msg)
		}
	})

	t.Run("expired by control API", func(t *testing.T) {
		wantStatus(t, h.graph("GET", "/beta/servicePrincipals", nil), http.StatusOK)
		wantStatus(t, h.call("POST", "/_emulator/expire-tokens", nil), http.StatusNoContent)
		wantGraphError(t, h.graph("GET", "/beta/servicePrincipals", nil), http.StatusUnauthorized, "InvalidAuthenticationToken")
		// Tokens issued afterwards work.
		h.token = h.tokenWith("Directory.Read.All")
		wantStatus(t, h.graph("GET", "/beta/servicePrincipals", nil), http.StatusOK)
	})
}

func TestGraphChecksPermissions(t *testing.T) {
	h := shared(t)
	jobs := "/beta/servicePrincipals/" + boxSP + "/synchronization/jobs"
	tests := []struct {
		name, method, path string
		perms              []string
		status             int
		missing            string
	}{
		{"sp list with sync read", "GET", "/beta/servicePrincipals", []string{"Synchronization.Read.All"}, 200, ""},
		{"sp list with app read", "GET", "/v1.0/servicePrincipals", []string{"Application.Read.All"}, 200, ""},
		{"sp list without", "GET", "/beta/servicePrincipals", []string{"User.Read"}, 403, "Synchronization.Read.All"},
		{"jobs with sync read", "GET", jobs, []string{"Synchronization.Read.All"}, 200, ""},
		{"jobs with directory read only", "GET", jobs, []string{"Directory.Read.All"}, 403, "Synchronization.Read.All"},
		{"start needs write", "POST", jobs + "/" + boxJob + "/start", []string{"Synchronization.Read.All"}, 403, "Synchronization.ReadWrite.All"},
		{"logs need audit", "GET", "/beta/auditLogs/provisioning", []string{"Directory.Read.All"}, 403, "AuditLog.Read.All"},
		{"logs need directory", "GET", "/beta/auditLogs/provisioning", []string{"AuditLog.Read.All"}, 403, "Directory.Read.All"},
		{"users with sync write", "GET", "/beta/users/adele@contoso.test", []string{"Synchronization.ReadWrite.All"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.call(tt.method, tt.path, nil, "Authorization", "Bearer "+h.tokenWith(tt.perms...))
			if tt.status == 200 {
				wantStatus(t, r, 200)
				return
			}
			wantGraphError(t, r, tt.status, "Authorization_RequestDenied")
			if msg, _ := get(r.body, "error", "message").(string); !strings.Contains(msg, tt.missing) {
				t.Errorf("message %q does not name %s", msg, tt.missing)
			}
		})
	}
}

func TestAppTokenRolesAreChecked(t *testing.T) {
	h := shared(t)
	tok, _ := h.s.tokens.mint(subject{clientID: appID, appOID: "x", perms: []string{"Synchronization.Read.All"}}, time.Hour)
	auth := []string{"Authorization", "Bearer " + tok}
	wantStatus(t, h.call("GET", "/beta/servicePrincipals/"+boxSP+"/synchronization/jobs", nil, auth...), 200)
	wantGraphError(t, h.call("GET", "/beta/me", nil, auth...), 400, "BadRequest")
	wantGraphError(t, h.call("POST", "/beta/servicePrincipals/"+boxSP+"/synchronization/jobs/"+boxJob+"/pause", nil, auth...), 403, "Authorization_RequestDenied")
}

func TestMissingTokenAnswer(t *testing.T) {
	h := shared(t)
	for _, auth := range []string{"", "Bearer ", "Bearer"} {
		var r response
		if auth == "" {
			r = h.call("GET", "/v1.0/servicePrincipals", nil)
		} else {
			r = h.call("GET", "/v1.0/servicePrincipals", nil, "Authorization", auth)
		}
		wantGraphError(t, r, http.StatusUnauthorized, "InvalidAuthenticationToken")
		if get(r.body, "error", "message") != "Access token is empty." || keys(get(r.body, "error", "innerError")) != "client-request-id,date,request-id" {
			t.Errorf("%q: body %s", auth, r.raw)
		}
		if r.header.Get("Date") == "" {
			t.Errorf("%q: no Date header", auth)
		}
	}
}
