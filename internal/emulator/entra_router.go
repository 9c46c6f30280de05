package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// serveEntra answers /{tenant}/...: discovery, keys, devicecode, authorize
// and token.
func (s *Server) serveEntra(w http.ResponseWriter, r *http.Request) {
	tenant, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	e := &entraReq{s: s, w: w, r: r, tenant: strings.ToLower(tenant), traceID: newGUID()}
	if !s.knownTenant(e.tenant) {
		e.fail(http.StatusBadRequest, "invalid_tenant", 90002, fmt.Sprintf(
			"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant))
		return
	}
	route := r.Method + " /" + rest
	switch route {
	case "GET /v2.0/.well-known/openid-configuration":
		e.openIDConfiguration()
	case "GET /discovery/v2.0/keys":
		e.json(http.StatusOK, map[string]any{"keys": []any{}})
	case "POST /oauth2/v2.0/devicecode":
		e.deviceCode()
	case "POST /oauth2/v2.0/token":
		e.token()
	case "GET /oauth2/v2.0/authorize", "POST /oauth2/v2.0/authorize":
		e.authorize()
	default:
		if strings.HasPrefix(rest, "oauth2/v2.0/") && r.Method != http.MethodPost {
			e.fail(http.StatusMethodNotAllowed, "invalid_request", 900561, "The endpoint only accepts POST requests.")
			return
		}
		e.fail(http.StatusNotFound, "invalid_request", 900023, fmt.Sprintf("The endpoint '/%s' is not served by the emulator.", rest))
	}
}

// knownTenant accepts the tenant GUID, its domain, organizations and common.
func (s *Server) knownTenant(t string) bool {
	tf := s.dir.File()
	return t == "organizations" || t == "common" || strings.EqualFold(t, tf.TenantID) || strings.EqualFold(t, tf.Domain)
}

// openIDConfiguration is the discovery document MSAL reads: its issuer must
// share scheme and host:port with the authority, which it does.
func (e *entraReq) openIDConfiguration() {
	base := e.s.url + "/" + e.tenant
	issuer := e.s.issuer()
	if e.tenant == "organizations" || e.tenant == "common" {
		issuer = e.s.url + "/{tenantid}/v2.0"
	}
	e.json(http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                issuer,
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     e.s.url + "/oidc/userinfo",
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "nonce", "preferred_username", "name", "tid", "ver", "oid"},
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   "microsoftonline.com",
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          strings.TrimPrefix(e.s.url, "https://"),
		"rbac_url":                              "https://pas.windows.net",
	})
}

// formValue reads a form parameter of the POST body.
func (e *entraReq) formValue(name string) string {
	return e.r.PostFormValue(name)
}
