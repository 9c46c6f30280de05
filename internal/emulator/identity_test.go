package emulator

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	systemMI = "0c5a7e91-3d2b-4f6a-8e1c-9b7d5f3a1e60" // principal 5f1b3d7a-…
	userMI   = "a4c6e8f0-2b4d-4c6e-9f1a-3b5d7f9a1c2e" // principal 7e9a1c3e-…
)

// identityGet calls the managed identity endpoint with query q.
func (h *harness) identityGet(q url.Values, header string) response {
	h.t.Helper()
	hs := []string{}
	if header != "" {
		hs = append(hs, "X-IDENTITY-HEADER", header)
	}
	return h.call("GET", identityPath+"?"+q.Encode(), nil, hs...)
}

func TestIdentityEndpointIssuesGraphTokens(t *testing.T) {
	h := shared(t)
	for _, tc := range []struct {
		name, key, value, wantClient, wantOID string
	}{
		{"system-assigned", "", "", systemMI, "5f1b3d7a-9e2c-4a6b-8d0f-2c4e6a8b0d13"},
		{"user-assigned by client id", "client_id", userMI, userMI, "7e9a1c3e-5b7d-4f9a-8c2e-4a6c8e0a2b35"},
		{"user-assigned by object id", "object_id", "7e9a1c3e-5b7d-4f9a-8c2e-4a6c8e0a2b35", userMI, "7e9a1c3e-5b7d-4f9a-8c2e-4a6c8e0a2b35"},
		{"user-assigned by resource id", "mi_res_id", "/subscriptions/2f4a6c8e-0b1d-4e3f-9a5c-7e9b1d3f5a70/resourcegroups/provisioning/providers/Microsoft.ManagedIdentity/userAssignedIdentities/provctl-runner", userMI, "7e9a1c3e-5b7d-4f9a-8c2e-4a6c8e0a2b35"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"api-version": {"2019-08-01"}, "resource": {h.s.URL()}}
			if tc.key != "" {
				q.Set(tc.key, tc.value)
			}
			r := h.identityGet(q, h.s.identityHeader())
			wantStatus(t, r, 200)
			if got := keys(r.body); got != "access_token,client_id,expires_on,resource,token_type" {
				t.Errorf("fields %s", got)
			}
			if r.body["client_id"] != tc.wantClient || r.body["resource"] != h.s.URL() || r.body["token_type"] != "Bearer" {
				t.Errorf("answer %s", r.raw)
			}
			exp, err := strconv.ParseInt(r.body["expires_on"].(string), 10, 64)
			if err != nil || time.Until(time.Unix(exp, 0)) < 50*time.Minute {
				t.Errorf("expires_on %v", r.body["expires_on"])
			}
			c, err := h.s.tokens.verify(r.body["access_token"].(string))
			if err != nil || c.delegated || c.oid != tc.wantOID || c.appID != tc.wantClient || !c.perms["synchronization.readwrite.all"] {
				t.Errorf("token: %+v %v", c, err)
			}
			// Graph takes it.
			r = h.call("GET", "/beta/servicePrincipals/"+boxSP, nil, "Authorization", "Bearer "+r.body["access_token"].(string))
			wantStatus(t, r, 200)
		})
	}
}

func TestIdentityEndpointRefusals(t *testing.T) {
	h := shared(t)
	good := func() url.Values {
		return url.Values{"api-version": {"2019-08-01"}, "resource": {"https://graph.microsoft.com"}}
	}
	with := func(k, v string) url.Values { q := good(); q.Set(k, v); return q }
	for _, tc := range []struct {
		name   string
		q      url.Values
		header string
		status int
		msg    string
	}{
		{"no header", good(), "", 401, "X-IDENTITY-HEADER"},
		{"wrong header", good(), "wrong", 401, "does not match IDENTITY_HEADER"},
		{"old api-version", with("api-version", "2017-09-01"), "ok", 400, "use 2019-08-01"},
		{"no resource", with("resource", ""), "ok", 400, "'resource'"},
		{"another resource", with("resource", "https://vault.azure.net"), "ok", 400, "AADSTS500011"},
		{"unknown client id", with("client_id", "11111111-2222-3333-4444-555555555555"), "ok", 400, "Unable to load the proper Managed Identity"},
		{"system identity asked by client id", with("client_id", systemMI), "ok", 400, "Unable to load"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header := tc.header
			if header == "ok" {
				header = h.s.identityHeader()
			}
			r := h.identityGet(tc.q, header)
			msg, _ := r.body["message"].(string)
			if r.status != tc.status || r.body["statusCode"] != float64(tc.status) || !strings.Contains(msg, tc.msg) {
				t.Errorf("%d %s", r.status, r.raw)
			}
			if strings.Contains(string(r.raw), h.s.identityHeader()) {
				t.Error("the answer shows IDENTITY_HEADER")
			}
		})
	}
	r := h.call("POST", identityPath, "resource=x", "X-IDENTITY-HEADER", h.s.identityHeader())
	wantStatus(t, r, 405)
}

func TestIdentityInEnvFileAndSecrets(t *testing.T) {
	h := start(t, Options{EnvFile: t.TempDir() + "/env"})
	vars := map[string]string{}
	for _, v := range h.s.envVars() {
		vars[v.name] = v.value
	}
	if vars["PROVCTL_EMULATOR_IDENTITY_ENDPOINT"] != h.s.URL()+"/msi/token" || vars["PROVCTL_EMULATOR_IDENTITY_CLIENT_ID"] != userMI ||
		len(vars["PROVCTL_EMULATOR_IDENTITY_HEADER"]) < 24 {
		t.Errorf("env vars %v", vars)
	}
	found := false
	for _, s := range h.s.secrets.snapshot() {
		found = found || (s.Kind == secretIdentityHeader && s.Value == h.s.identityHeader())
	}
	if !found {
		t.Error("IDENTITY_HEADER is not in the secret log")
	}
}
