package emulator

import (
	"net/http"
	"strings"
	"testing"
)

func TestEchoGraph(t *testing.T) {
	h := start(t, Options{})
	onDemandPath := jobPath(boxSP, boxJob) + "/provisionOnDemand"
	h.arm([]fault{{Method: "POST", Path: "/provisionOnDemand", Echo: true}, {Path: "/servicePrincipals", Echo: true, Status: 401}})

	body := `{"parameters":[{"ruleId":"body-secret-7f3a"}]}`
	r := h.graph("POST", onDemandPath+"?probe=q1", body)
	wantGraphError(t, r, http.StatusBadRequest, "BadRequest")
	msg, _ := get(r.body, "error", "message").(string)
	for _, want := range []string{"Bearer " + h.token, body, "probe=q1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message does not echo %.40q: %q", want, msg)
		}
	}
	if wa := r.header.Get("WWW-Authenticate"); !strings.Contains(wa, h.token) {
		t.Errorf("WWW-Authenticate does not echo the token: %q", wa)
	}

	// Another status and code; a request without a token echoes "(none)".
	r = h.call("GET", "/beta/servicePrincipals", nil)
	wantGraphError(t, r, http.StatusUnauthorized, "InvalidAuthenticationToken")
	if msg, _ := get(r.body, "error", "message").(string); !strings.Contains(msg, "Authorization: (none)") {
		t.Errorf("message = %q", msg)
	}
	// Both were used once.
	wantStatus(t, h.graph("GET", "/beta/servicePrincipals", nil), http.StatusOK)
}

func TestEchoEntraForm(t *testing.T) {
	h := start(t, Options{})
	h.arm(fault{Path: "/oauth2/v2.0/token", Echo: true, Count: -1})
	form := "grant_type=client_credentials&client_id=" + appID + "&client_secret=s3cr%2Bet~x" +
		"&client_assertion=aaa.bbb.ccc&refresh_token=rt-9b1e&device_code=dc-4c2d&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
	r := h.call("POST", "/organizations/oauth2/v2.0/token", form)
	wantStatus(t, r, http.StatusBadRequest)
	if r.body["error"] != "invalid_request" {
		t.Errorf("error = %v", r.body["error"])
	}
	desc, _ := r.body["error_description"].(string)
	for _, want := range []string{"client_secret=s3cr+et~x", "client_assertion=aaa.bbb.ccc", "refresh_token=rt-9b1e",
		"device_code=dc-4c2d", "scope=https://graph.microsoft.com/.default", "Trace ID:"} {
		if !strings.Contains(desc, want) {
			t.Errorf("error_description lacks %q: %q", want, desc)
		}
	}
	// HTTP Basic client authentication is echoed too.
	r = h.call("POST", "/organizations/oauth2/v2.0/token", "grant_type=client_credentials", "Authorization", "Basic YXBwOnBhc3N3b3Jk")
	if desc, _ := r.body["error_description"].(string); !strings.Contains(desc, "Basic YXBwOnBhc3N3b3Jk") ||
		!strings.Contains(r.header.Get("WWW-Authenticate"), "Basic YXBwOnBhc3N3b3Jk") {
		t.Errorf("Basic credentials not echoed: %q / %q", desc, r.header.Get("WWW-Authenticate"))
	}
}

func TestEchoNeeds4xx(t *testing.T) {
	h := shared(t)
	for _, bad := range []string{`{"echo":true,"status":500}`, `{"echo":true,"malformed":true}`, `{"echo":true,"redirect":"https://127.0.0.1:1"}`} {
		if r := h.call("POST", "/_emulator/faults", bad); r.status != http.StatusBadRequest {
			t.Errorf("fault %s: status %d", bad, r.status)
		}
	}
}
