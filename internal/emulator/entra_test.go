package emulator

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestOpenIDConfiguration(t *testing.T) {
	h := shared(t)
	for _, tenant := range []string{tenantID, "organizations", "common", "contoso.test"} {
		r := h.call("GET", "/"+tenant+"/v2.0/.well-known/openid-configuration?", nil)
		wantStatus(t, r, http.StatusOK)
		if r.body["token_endpoint"] != h.s.URL()+"/"+tenant+"/oauth2/v2.0/token" ||
			r.body["device_authorization_endpoint"] != h.s.URL()+"/"+tenant+"/oauth2/v2.0/devicecode" ||
			!strings.HasPrefix(r.body["issuer"].(string), h.s.URL()+"/") || r.body["authorization_endpoint"] == nil {
			t.Errorf("%s: %s", tenant, r.raw)
		}
	}
	r := h.call("GET", "/consumers/v2.0/.well-known/openid-configuration", nil)
	wantStatus(t, r, http.StatusBadRequest)
	if r.body["error"] != "invalid_tenant" || keys(r.body) != "correlation_id,error,error_codes,error_description,error_uri,timestamp,trace_id" {
		t.Errorf("unknown tenant: %s", r.raw)
	}
	if !strings.HasPrefix(r.body["error_description"].(string), "AADSTS90002: ") {
		t.Errorf("error_description = %v", r.body["error_description"])
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	h := start(t, Options{})
	token := "/" + tenantID + "/oauth2/v2.0/token"
	tests := []struct {
		name, form string
		status     int
		errCode    string
	}{
		{"no grant type", "client_id=" + defaultPublicClient, 400, "invalid_request"},
		{"unsupported grant", "grant_type=password&client_id=" + defaultPublicClient, 400, "unsupported_grant_type"},
		{"unknown device code", "grant_type=device_code&device_code=nope&client_id=" + defaultPublicClient, 400, "bad_verification_code"},
		{"URN device code grant", "grant_type=urn:ietf:params:oauth:grant-type:device_code&device_code=nope&client_id=" + defaultPublicClient, 400, "bad_verification_code"},
		{"unknown refresh token", "grant_type=refresh_token&refresh_token=nope&client_id=" + defaultPublicClient, 400, "invalid_grant"},
		{"client credentials, unknown app", "grant_type=client_credentials&client_id=" + defaultPublicClient + "&client_secret=x&scope=https://graph.microsoft.com/.default", 400, "unauthorized_client"},
		{"client credentials, no credential", "grant_type=client_credentials&client_id=" + appID + "&scope=https://graph.microsoft.com/.default", 401, "invalid_client"},
		{"client credentials, bad assertion", "grant_type=client_credentials&client_id=" + appID + "&client_assertion_type=" + url.QueryEscape(jwtBearerAssertion) + "&client_assertion=x.y.z&scope=https://graph.microsoft.com/.default", 401, "invalid_client"},
		{"devicecode without scope", "client_id=" + defaultPublicClient, 400, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := token
			if strings.HasPrefix(tt.name, "devicecode") {
				path = "/" + tenantID + "/oauth2/v2.0/devicecode"
			}
			r := h.call("POST", path, tt.form)
			if r.status != tt.status || r.body["error"] != tt.errCode {
				t.Errorf("%d %s", r.status, r.raw)
			}
			if codes, _ := r.body["error_codes"].([]any); len(codes) != 1 {
				t.Errorf("error_codes = %v", r.body["error_codes"])
			}
		})
	}
	wantStatus(t, h.call("GET", token, nil), http.StatusMethodNotAllowed)
}

func TestRefreshTokensRotate(t *testing.T) {
	h := start(t, Options{AutoApprove: time.Nanosecond})
	dc := h.call("POST", "/organizations/oauth2/v2.0/devicecode", "client_id="+defaultPublicClient+"&scope=Synchronization.Read.All+offline_access")
	wantStatus(t, dc, http.StatusOK)
	if _, isNumber := dc.body["expires_in"].(float64); !isNumber {
		t.Errorf("expires_in is not a JSON number: %s", dc.raw)
	}
	tok := h.call("POST", "/organizations/oauth2/v2.0/token", "grant_type=device_code&client_id="+defaultPublicClient+"&device_code="+dc.body["device_code"].(string))
	wantStatus(t, tok, http.StatusOK)
	if tok.body["scope"] != "Synchronization.Read.All" || tok.body["token_type"] != "Bearer" {
		t.Errorf("token answer: %s", tok.raw)
	}
	for _, part := range []string{"client_info", "id_token"} {
		if strings.Contains(tok.body[part].(string), "=") {
			t.Errorf("%s is padded", part)
		}
	}
	info, _ := base64.RawURLEncoding.DecodeString(tok.body["client_info"].(string))
	if string(info) != `{"uid":"`+adeleID+`","utid":"`+tenantID+`"}` {
		t.Errorf("client_info = %s", info)
	}
	again := h.call("POST", "/organizations/oauth2/v2.0/token", "grant_type=device_code&client_id="+defaultPublicClient+"&device_code="+dc.body["device_code"].(string))
	if again.body["error"] != "invalid_grant" {
		t.Errorf("second redeem: %s", again.raw)
	}

	rt := tok.body["refresh_token"].(string)
	refresh := func(rt, client string) response {
		return h.call("POST", "/"+tenantID+"/oauth2/v2.0/token", "grant_type=refresh_token&client_id="+client+"&refresh_token="+url.QueryEscape(rt)+"&scope=Synchronization.Read.All")
	}
	r := refresh(rt, defaultPublicClient)
	wantStatus(t, r, http.StatusOK)
	if r.body["refresh_token"] == rt {
		t.Error("refresh token did not rotate")
	}
	if r := refresh(rt, defaultPublicClient); r.body["error"] != "invalid_grant" || !strings.Contains(r.body["error_description"].(string), "AADSTS70008") {
		t.Errorf("reused refresh token: %s", r.raw)
	}
	if r := refresh(r.body["refresh_token"].(string), appID); r.body["error"] != "invalid_grant" {
		t.Errorf("refresh token of another client: %s", r.raw)
	}
}

// assertion signs a certificate client assertion like MSAL (or ADFS-style
// RS256 with x5t when rs256 is set).
func (h *harness) assertion(key *rsa.PrivateKey, rs256 bool, claims map[string]any) string {
	header := map[string]any{"alg": "PS256", "typ": "JWT", "x5t#S256": base64.StdEncoding.EncodeToString(h.s.pki.appX5tS56)}
	if rs256 {
		header = map[string]any{"alg": "RS256", "typ": "JWT", "x5t": base64.RawURLEncoding.EncodeToString(h.s.pki.appX5tS1)}
	}
	in := encodeSegment(header) + "." + encodeSegment(claims)
	sum := sha256.Sum256([]byte(in))
	var sig []byte
	if rs256 {
		sig, _ = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	} else {
		sig, _ = rsa.SignPSS(rand.Reader, key, crypto.SHA256, sum[:], nil)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestCertificateAssertions(t *testing.T) {
	h := shared(t)
	otherKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	now := time.Now().Unix()
	aud := h.s.URL() + "/" + tenantID + "/oauth2/v2.0/token"
	good := map[string]any{"aud": aud, "iss": appID, "sub": appID, "exp": now + 600, "nbf": now, "jti": "1"}
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for kk, vv := range good {
			c[kk] = vv
		}
		c[k] = v
		return c
	}
	tests := []struct {
		name      string
		assertion string
		aadsts    int
	}{
		{"PS256", h.assertion(h.s.pki.appKey, false, good), 0},
		{"RS256 with x5t", h.assertion(h.s.pki.appKey, true, good), 0},
		{"issuer as audience", h.assertion(h.s.pki.appKey, false, with("aud", h.s.issuer())), 0},
		{"other key", h.assertion(otherKey, false, good), 700027},
		{"wrong audience", h.assertion(h.s.pki.appKey, false, with("aud", "https://login.microsoftonline.com/x/oauth2/v2.0/token")), 700027},
		{"sub differs", h.assertion(h.s.pki.appKey, false, with("sub", "someone")), 700021},
		{"expired", h.assertion(h.s.pki.appKey, false, with("exp", now-1)), 700024},
		{"malformed", "abc", 50027},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := h.s.verifyClientAssertion(tt.assertion, appID, tenantID)
			switch {
			case tt.aadsts == 0 && err != nil:
				t.Errorf("refused: %v", err.msg)
			case tt.aadsts != 0 && (err == nil || err.aadsts != tt.aadsts):
				t.Errorf("err = %+v, want AADSTS%d", err, tt.aadsts)
			}
		})
	}
}
