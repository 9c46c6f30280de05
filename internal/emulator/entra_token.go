package emulator

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// jwtBearerAssertion is client_assertion_type for certificate and federated
// credentials.
const jwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// token answers POST /{tenant}/oauth2/v2.0/token.
func (e *entraReq) token() {
	switch gt := e.formValue("grant_type"); gt {
	case "device_code", "urn:ietf:params:oauth:grant-type:device_code":
		e.deviceCodeGrant()
	case "refresh_token":
		e.refreshTokenGrant()
	case "client_credentials":
		e.clientCredentialsGrant()
	case "authorization_code":
		e.authorizationCodeGrant()
	case "":
		e.fail(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
	default:
		e.fail(http.StatusBadRequest, "unsupported_grant_type", 70003, fmt.Sprintf("The app requested an unsupported grant type '%s'.", gt))
	}
}

// deviceCodeGrant redeems a device code once the user approved it; until
// then it answers authorization_pending (HTTP 400), which MSAL keeps polling.
func (e *entraReq) deviceCodeGrant() {
	code, clientID := e.formValue("device_code"), e.formValue("client_id")
	if code == "" {
		e.fail(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'device_code'.")
		return
	}
	now := e.s.clock.now()
	st := e.s.entra
	st.mu.Lock()
	d := st.devices[code]
	var user *tenant.User
	var scopes []string
	state := devicePending
	if d != nil && d.clientID == clientID {
		if d.state == devicePending && !d.approveAt.IsZero() && !now.Before(d.approveAt) {
			d.state, d.user = deviceApproved, e.s.dir.Users()[0]
		}
		state = d.state
		if state == deviceApproved && now.Before(d.expires) {
			d.state, user, scopes = deviceRedeemed, d.user, d.scopes
		}
	}
	st.mu.Unlock()

	switch {
	case d == nil || d.clientID != clientID:
		e.fail(http.StatusBadRequest, "bad_verification_code", 70000, "The provided value for the input parameter 'device_code' is not valid.")
	case state == deviceRedeemed:
		e.fail(http.StatusBadRequest, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
	case !now.Before(d.expires):
		e.fail(http.StatusBadRequest, "expired_token", 70019, "Verification code expired.")
	case state == deviceDeclined:
		e.fail(http.StatusBadRequest, "authorization_declined", 70000, "The user declined the authentication request.")
	case state == devicePending:
		e.fail(http.StatusBadRequest, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
	default:
		e.issueUserTokens(user, clientID, scopes)
	}
}

// refreshTokenGrant redeems a refresh token. Refresh tokens rotate: the one
// presented stops working and a new one is returned.
func (e *entraReq) refreshTokenGrant() {
	rt, clientID := e.formValue("refresh_token"), e.formValue("client_id")
	if rt == "" {
		e.fail(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'refresh_token'.")
		return
	}
	g, revoked := e.s.entra.redeemRefresh(rt)
	switch {
	case revoked:
		e.fail(http.StatusBadRequest, "invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.")
		return
	case g == nil:
		e.fail(http.StatusBadRequest, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
		return
	case g.clientID != clientID:
		e.fail(http.StatusBadRequest, "invalid_grant", 70000, "The refresh token was issued to a different client.")
		return
	}
	scopes := strings.Fields(e.formValue("scope"))
	if len(scopes) == 0 {
		scopes = g.scopes
	}
	e.issueUserTokens(g.user, clientID, scopes)
}

// issueUserTokens answers a successful delegated grant: access, refresh and
// ID token plus client_info, in the shapes MSAL Go decodes (docs/emulator.md,
// "Entra ID"). idClaims (a nonce) are added to the ID token.
func (e *entraReq) issueUserTokens(user *tenant.User, clientID string, scopes []string, idClaims ...map[string]any) {
	perms, echo, bad := e.s.delegatedScopes(scopes)
	if bad != "" {
		e.invalidResource(bad)
		return
	}
	lifetime := e.s.opts.TokenLifetime
	at, _ := e.s.tokens.mint(subject{user: user, clientID: clientID, clientName: e.s.clientName(clientID), perms: perms}, lifetime)
	rt := e.s.entra.newRefresh(refreshGrant{user: user, clientID: clientID, scopes: scopes})
	id := e.s.idToken(user, clientID, idClaims...)
	e.s.secrets.add(secretAccessToken, at)
	e.s.secrets.add(secretRefreshToken, rt)
	e.s.secrets.add(secretIDToken, id)
	tid := e.s.dir.File().TenantID
	info, _ := json.Marshal(map[string]string{"uid": user.ID, "utid": tid})
	secs := int(lifetime.Seconds())
	e.json(http.StatusOK, map[string]any{
		"token_type":     "Bearer",
		"scope":          strings.Join(echo, " "),
		"expires_in":     secs,
		"ext_expires_in": secs,
		"access_token":   at,
		"refresh_token":  rt,
		"id_token":       id,
		"client_info":    base64.RawURLEncoding.EncodeToString(info),
	})
}

// idToken is a v2.0 ID token (MSAL reads its claims, not its signature).
func (s *Server) idToken(u *tenant.User, clientID string, extra ...map[string]any) string {
	now := s.clock.now()
	claims := map[string]any{
		"aud": clientID, "iss": s.issuer(), "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"name": u.DisplayName, "oid": u.ID, "preferred_username": u.UserPrincipalName,
		"sub": u.ID, "tid": s.dir.File().TenantID, "ver": "2.0",
	}
	for _, m := range extra {
		for k, v := range m {
			claims[k] = v
		}
	}
	return signHS256(s.tokens.key, map[string]any{"typ": "JWT"}, claims)
}

// clientName is the display name of an app id's service principal.
func (s *Server) clientName(appID string) string {
	if appID == s.app.clientID {
		return s.app.name
	}
	return s.dir.ClientName(appID)
}

// clientCredentialsGrant issues an app-only token to the app registration,
// authenticated by its secret, its certificate or a federated assertion.
func (e *entraReq) clientCredentialsGrant() {
	clientID, basicSecret, hasBasic := e.r.BasicAuth()
	if !hasBasic {
		clientID = e.formValue("client_id")
	}
	if clientID == "" {
		e.fail(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
		return
	}
	app := e.s.app
	if clientID != app.clientID {
		e.unknownClient(clientID)
		return
	}
	secret := nameOr(e.formValue("client_secret"), basicSecret)
	assertion, assertionType := e.formValue("client_assertion"), e.formValue("client_assertion_type")
	switch {
	case secret != "":
		if subtle.ConstantTimeCompare([]byte(secret), []byte(app.secret)) != 1 {
			e.fail(http.StatusUnauthorized, "invalid_client", 7000215, fmt.Sprintf(
				"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID))
			return
		}
	case assertion != "" && assertionType == jwtBearerAssertion:
		if err := e.s.verifyClientAssertion(assertion, clientID, e.tenant); err != nil {
			e.fail(http.StatusUnauthorized, "invalid_client", err.aadsts, err.msg)
			return
		}
	case assertion != "":
		e.fail(http.StatusBadRequest, "invalid_request", 700023, fmt.Sprintf("Invalid client_assertion_type '%s'; expected '%s'.", assertionType, jwtBearerAssertion))
		return
	default:
		e.fail(http.StatusUnauthorized, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
		return
	}
	if !e.checkDefaultScope() {
		return
	}
	lifetime := e.s.opts.TokenLifetime
	at, _ := e.s.tokens.mint(subject{clientID: clientID, clientName: app.name, appOID: app.spID, perms: app.roles}, lifetime)
	e.s.secrets.add(secretAccessToken, at)
	secs := int(lifetime.Seconds())
	e.json(http.StatusOK, map[string]any{
		"token_type":     "Bearer",
		"expires_in":     secs,
		"ext_expires_in": secs,
		"access_token":   at,
	})
}

// checkDefaultScope requires exactly one resource scope, Graph's /.default
// (MSAL also sends openid, profile and offline_access: ignored).
func (e *entraReq) checkDefaultScope() bool {
	var resource []string
	for _, sc := range strings.Fields(e.formValue("scope")) {
		if !oidcScopes[strings.ToLower(sc)] {
			resource = append(resource, sc)
		}
	}
	if len(resource) == 1 {
		res, name := splitScope(resource[0])
		if name == ".default" && res != "" && e.s.isGraphResource(res) {
			return true
		}
		if name == ".default" && res != "" {
			e.invalidResource(res)
			return false
		}
	}
	e.fail(http.StatusBadRequest, "invalid_scope", 1002012, fmt.Sprintf(
		"The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
		strings.Join(resource, " ")))
	return false
}
