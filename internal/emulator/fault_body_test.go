package emulator

import (
	"net/http"
	"testing"
)

// A body fault answers its text verbatim with Graph's headers: null, an
// array, another object than the one asked for.
func TestBodyFault(t *testing.T) {
	h := start(t, Options{})
	null, arr := "null", `[{"id":"x"}]`
	h.arm([]fault{
		{Method: "GET", Path: "/jobs/apply.", Body: &null},
		{Method: "GET", Path: "/servicePrincipals", Body: &arr, Status: 202},
	})
	r := h.graph("GET", "/beta/servicePrincipals/8783a342-f7a2-46fb-8243-3658cee556ce/synchronization/jobs/apply.BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6", nil)
	wantStatus(t, r, http.StatusOK)
	if string(r.raw) != "null" || r.header.Get("request-id") == "" || r.header.Get("Content-Type") == "" {
		t.Fatalf("answer %q, headers %v", r.raw, r.header)
	}
	r = h.graph("GET", "/beta/servicePrincipals", nil)
	wantStatus(t, r, http.StatusAccepted)
	if string(r.raw) != arr {
		t.Fatalf("answer %q", r.raw)
	}
	// once used, the real answers come back
	wantStatus(t, h.graph("GET", "/beta/servicePrincipals", nil), http.StatusOK)
	for _, bad := range []string{`{"body":"{}","malformed":true}`, `{"body":"{}","echo":true}`, `{"body":"{}","hang":true}`} {
		if r := h.call("POST", "/_emulator/faults", bad); r.status != http.StatusBadRequest {
			t.Errorf("fault %s: status %d", bad, r.status)
		}
	}
}
