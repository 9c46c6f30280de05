package emulator

import (
	"net/http"
	"strings"
	"testing"
)

func TestNextLinkSameAndLoop(t *testing.T) {
	h := start(t, Options{})
	first := "/beta/servicePrincipals?$top=2&$select=id"

	h.arm(fault{Path: "/servicePrincipals", NextLink: "same", Count: 2})
	r := h.graph("GET", first, nil)
	wantStatus(t, r, http.StatusOK)
	link, _ := r.body["@odata.nextLink"].(string)
	if link != h.s.URL()+first {
		t.Errorf("same: nextLink = %q", link)
	}
	if got := keys(r.body); got != "@odata.context,@odata.nextLink,value" {
		t.Errorf("members = %s", got)
	}
	if r = h.graph("GET", link, nil); r.body["@odata.nextLink"] != link {
		t.Errorf("same, followed: nextLink = %v", r.body["@odata.nextLink"])
	}

	// loop: two URLs naming each other, both answered.
	h.arm(fault{Path: "/servicePrincipals", NextLink: "loop", Count: 2})
	r = h.graph("GET", first, nil)
	second, _ := r.body["@odata.nextLink"].(string)
	if second == h.s.URL()+first || !strings.Contains(second, "emulatorLoop=1") || !strings.Contains(second, "$top=2") {
		t.Errorf("loop: first nextLink = %q", second)
	}
	r = h.graph("GET", second, nil)
	wantStatus(t, r, http.StatusOK)
	if back, _ := r.body["@odata.nextLink"].(string); back != h.s.URL()+"/beta/servicePrincipals?$select=id&$top=2" {
		t.Errorf("loop: second nextLink = %q", back)
	}

	// An explicit URL (another host, say); errors are left alone.
	h.arm(fault{Path: "/servicePrincipals", NextLink: "https://127.0.0.1:9/beta/servicePrincipals", Count: 2})
	if r = h.graph("GET", first, nil); r.body["@odata.nextLink"] != "https://127.0.0.1:9/beta/servicePrincipals" {
		t.Errorf("explicit: nextLink = %v", r.body["@odata.nextLink"])
	}
	if r = h.call("GET", first, nil); r.status != http.StatusUnauthorized || r.body["@odata.nextLink"] != nil {
		t.Errorf("an error answer was rewritten: %d %s", r.status, r.raw)
	}

	for _, bad := range []string{`{"nextLink":"again"}`, `{"nextLink":"same","status":500}`, `{"nextLink":"same","malformed":true}`} {
		if r := h.call("POST", "/_emulator/faults", bad); r.status != http.StatusBadRequest {
			t.Errorf("fault %s: status %d", bad, r.status)
		}
	}
}
