package emulator

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestSecretsLog(t *testing.T) {
	h := start(t, Options{})
	secrets := func() map[string][]string {
		var recs []secretRecord
		if err := json.Unmarshal(h.call("GET", "/_emulator/secrets", nil).raw, &recs); err != nil {
			t.Fatal(err)
		}
		m := map[string][]string{}
		for _, r := range recs {
			m[r.Kind] = append(m[r.Kind], r.Value)
		}
		return m
	}
	has := func(kind, value string) bool {
		for _, v := range secrets()[kind] {
			if v == value {
				return true
			}
		}
		return false
	}
	if !has(secretAccessToken, h.token) || !has(secretClientSecret, h.s.app.secret) {
		t.Errorf("the env token and the app secret are not listed: %v", secrets())
	}

	r := h.call("POST", "/organizations/oauth2/v2.0/token", "grant_type=client_credentials&client_id="+appID+
		"&client_secret="+h.s.app.secret+"&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default")
	wantStatus(t, r, http.StatusOK)
	if at, _ := r.body["access_token"].(string); !has(secretAccessToken, at) {
		t.Error("an issued app token is not listed")
	}
	r = h.call("POST", "/organizations/oauth2/v2.0/devicecode", "client_id="+defaultPublicClient+"&scope=User.Read")
	if dc, _ := r.body["device_code"].(string); !has(secretDeviceCode, dc) {
		t.Error("an issued device code is not listed")
	}

	// Received ones count even when refused or answered by a fault.
	h.arm(fault{Path: "/oauth2/v2.0/token", Status: 500})
	h.call("POST", "/organizations/oauth2/v2.0/token", "grant_type=client_credentials&client_assertion=never.seen.before&refresh_token=rt-unknown")
	h.call("GET", "/beta/servicePrincipals", nil, "Authorization", "Bearer foreign-token-1")
	for kind, v := range map[string]string{secretClientAssertion: "never.seen.before", secretRefreshToken: "rt-unknown", secretAccessToken: "foreign-token-1"} {
		if !has(kind, v) {
			t.Errorf("received %s %q is not listed", kind, v)
		}
	}
	fed := string(h.call("POST", "/_emulator/federated-token", nil).raw)
	if !has(secretFederatedToken, fed) {
		t.Error("a minted federated token is not listed")
	}
	// Each secret once.
	h.call("GET", "/beta/servicePrincipals", nil, "Authorization", "Bearer foreign-token-1")
	n := 0
	for _, v := range secrets()[secretAccessToken] {
		if v == "foreign-token-1" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("listed %d times", n)
	}
}
