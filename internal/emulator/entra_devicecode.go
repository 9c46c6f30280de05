package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// deviceCode answers POST /{tenant}/oauth2/v2.0/devicecode.
func (e *entraReq) deviceCode() {
	clientID := e.formValue("client_id")
	if clientID == "" {
		e.fail(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
		return
	}
	if !e.s.publicApps[clientID] && clientID != e.s.app.clientID {
		e.unknownClient(clientID)
		return
	}
	scope := e.formValue("scope")
	if strings.TrimSpace(scope) == "" {
		e.fail(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
		return
	}
	scopes := strings.Fields(scope)
	if _, _, bad := e.s.delegatedScopes(scopes); bad != "" {
		e.invalidResource(bad)
		return
	}
	d := e.s.entra.newDevice(clientID, scopes, e.s.clock.now(), e.s.opts.AutoApprove)
	e.s.secrets.add(secretDeviceCode, d.deviceCode)
	verify := e.s.url + "/devicelogin"
	e.json(http.StatusOK, map[string]any{
		"user_code":        d.userCode,
		"device_code":      d.deviceCode,
		"verification_uri": verify,
		"expires_in":       int(deviceLifetime.Seconds()),
		"interval":         5,
		"message": fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.",
			verify, d.userCode),
	})
}

// unknownClient is Entra's answer for a client id with no app behind it.
func (e *entraReq) unknownClient(clientID string) {
	e.fail(http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf(
		"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.",
		clientID, e.s.dir.File().DisplayName))
}

func (e *entraReq) invalidResource(resource string) {
	e.fail(http.StatusBadRequest, "invalid_resource", 500011, fmt.Sprintf(
		"The resource principal named %s was not found in the tenant named %s.", resource, e.s.dir.File().DisplayName))
}

// oidcScopes are added by MSAL to every request; they grant no resource access.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true, "email": true}

// splitScope splits "https://graph.microsoft.com/X" into resource and name;
// a bare "X" has no resource (Graph is implied).
func splitScope(s string) (resource, name string) {
	if i := strings.LastIndex(s, "/"); i > 0 && strings.Contains(s[:i], ":") {
		return s[:i], s[i+1:]
	}
	return "", s
}

// isGraphResource accepts Graph's resource URI, its app id, or the
// emulator's own URL (what a client that derives scopes from its Graph URL
// sends).
func (s *Server) isGraphResource(r string) bool {
	r = strings.TrimSuffix(strings.ToLower(r), "/")
	return r == "" || r == graphAudience || r == graphAppID || r == "api://"+graphAppID || r == strings.ToLower(s.url)
}

// delegatedScopes turns requested scopes into the scp permissions and the
// scope list to echo (resource scopes as requested, OIDC scopes dropped).
// bad names a non-Graph resource.
func (s *Server) delegatedScopes(requested []string) (perms, echo []string, bad string) {
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[strings.ToLower(p)] {
			seen[strings.ToLower(p)] = true
			perms = append(perms, p)
		}
	}
	for _, sc := range requested {
		if oidcScopes[strings.ToLower(sc)] {
			continue
		}
		res, name := splitScope(sc)
		if !s.isGraphResource(res) {
			return nil, nil, res
		}
		echo = append(echo, sc)
		if name == ".default" {
			for _, p := range allPermissions {
				add(p)
			}
			continue
		}
		add(name)
	}
	if len(perms) == 0 {
		// Sign-in without a resource scope yields a Graph token for User.Read.
		add("User.Read")
	}
	return perms, echo, ""
}
