package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	h := start(t, Options{})
	jobs := "/beta/servicePrincipals/" + boxSP + "/synchronization/jobs"
	ra := "1.5"

	// Throttling with Retry-After, twice, then normal answers.
	wantStatus(t, h.call("POST", "/_emulator/faults", fault{Method: "GET", Path: "/synchronization/jobs", Status: 429, RetryAfter: &ra, Count: 2}), http.StatusNoContent)
	wantStatus(t, h.graph("GET", "/beta/servicePrincipals", nil), http.StatusOK) // path does not match
	for i := 0; i < 2; i++ {
		r := h.graph("GET", jobs, nil)
		wantGraphError(t, r, http.StatusTooManyRequests, "TooManyRequests")
		if r.header.Get("Retry-After") != "1.5" {
			t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
		}
		if get(r.body, "error", "innerError", "status") != "429" {
			t.Errorf("429 innerError = %v", get(r.body, "error", "innerError"))
		}
	}
	wantStatus(t, h.graph("GET", jobs, nil), http.StatusOK)

	// 503 without Retry-After, and without a token (faults come first).
	wantStatus(t, h.call("POST", "/_emulator/faults", fault{Path: "/beta/", Status: 503}), http.StatusNoContent)
	r := h.call("GET", jobs, nil)
	wantGraphError(t, r, http.StatusServiceUnavailable, "serviceNotAvailable")
	if _, ok := r.header["Retry-After"]; ok {
		t.Error("Retry-After sent although none was configured")
	}

	// A slow answer.
	wantStatus(t, h.call("POST", "/_emulator/faults", fault{Path: "/synchronization/jobs", DelayMs: 200}), http.StatusNoContent)
	began := time.Now()
	wantStatus(t, h.graph("GET", jobs, nil), http.StatusOK)
	if d := time.Since(began); d < 200*time.Millisecond {
		t.Errorf("delayed answer took %v", d)
	}

	// A truncated body.
	wantStatus(t, h.call("POST", "/_emulator/faults", fault{Path: "/synchronization/jobs", Malformed: true}), http.StatusNoContent)
	r = h.graph("GET", jobs, nil)
	wantStatus(t, r, http.StatusOK)
	if json.Valid(r.raw) || !strings.HasPrefix(string(r.raw), "{") {
		t.Errorf("malformed body is valid JSON or empty: %q", r.raw)
	}

	// Entra-side faults are Entra-shaped.
	wantStatus(t, h.call("POST", "/_emulator/faults", fault{Path: "/oauth2/v2.0/token", Status: 500}), http.StatusNoContent)
	r = h.call("POST", "/organizations/oauth2/v2.0/token", "grant_type=client_credentials")
	wantStatus(t, r, http.StatusInternalServerError)
	if r.body["error"] == nil || r.body["error_description"] == nil {
		t.Errorf("Entra fault body = %s", r.raw)
	}

	// Listing and clearing.
	wantStatus(t, h.call("POST", "/_emulator/faults", []fault{{Status: 500, Count: -1}, {Status: 502}}), http.StatusNoContent)
	lr := h.call("GET", "/_emulator/faults", nil)
	var list []fault
	_ = json.Unmarshal(lr.raw, &list)
	if len(list) != 2 {
		t.Errorf("armed faults = %s", lr.raw)
	}
	wantStatus(t, h.call("DELETE", "/_emulator/faults", nil), http.StatusNoContent)
	wantStatus(t, h.graph("GET", jobs, nil), http.StatusOK)

	for _, bad := range []string{`{"path":"/x"}`, `{"status":700}`, `{"status":500,"malformed":true}`, `{"statuss":500}`, `nope`} {
		if r := h.call("POST", "/_emulator/faults", bad); r.status != http.StatusBadRequest {
			t.Errorf("fault %s: status %d", bad, r.status)
		}
	}
}

func TestRequestsAreRecordedWithoutSecrets(t *testing.T) {
	h := start(t, Options{})
	wantStatus(t, h.call("DELETE", "/_emulator/requests", nil), http.StatusNoContent)
	h.graph("GET", "/beta/servicePrincipals?$top=2", nil)
	h.call("GET", "/v1.0/servicePrincipals", nil)
	h.graph("GET", jobPath(boxSP, "apply."+boxJob), nil, "Content-Type", "application/json")
	r := h.call("GET", "/_emulator/requests", nil)
	var recs []map[string]any
	if err := json.Unmarshal(r.raw, &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("records = %s", r.raw)
	}
	if keys(recs[0]) != "contentType,method,path,query,status,time" || recs[0]["query"] != "$top=2" || recs[0]["status"] != float64(200) || recs[1]["status"] != float64(401) {
		t.Errorf("records = %s", r.raw)
	}
	// Content-Type is the one header recorded: Graph lists it as required
	// on the apply. resource, and its absence is not refused.
	if recs[0]["contentType"] != "" || recs[2]["contentType"] != "application/json" || recs[2]["status"] != float64(200) {
		t.Errorf("contentType of records = %s", r.raw)
	}
	if strings.Contains(string(r.raw), h.token) {
		t.Error("a token leaked into the request records")
	}
	wantStatus(t, h.call("GET", "/_emulator/nothing", nil), http.StatusNotFound)
}

func TestLogNeverShowsSecrets(t *testing.T) {
	var buf syncBuffer
	h := start(t, Options{Log: &buf})
	h.graph("GET", "/beta/servicePrincipals?$filter=displayName%20eq%20'Box'", nil)
	out := buf.String()
	if !strings.Contains(out, "GET") || !strings.Contains(out, "/beta/servicePrincipals 200") {
		t.Errorf("log = %q", out)
	}
	if strings.Contains(out, h.token) || strings.Contains(out, "filter") {
		t.Errorf("log shows the token or the query: %q", out)
	}
}
