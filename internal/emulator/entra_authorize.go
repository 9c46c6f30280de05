package emulator

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// authorizeRequest is an authorization request: the query of GET
// /{tenant}/oauth2/v2.0/authorize, or the form the consent page posts back.
type authorizeRequest struct {
	clientID, redirectURI, responseType, responseMode string
	scope, state, challenge, method, nonce            string
	loginHint, prompt                                 string
}

// authorizeParams are the parameters kept across the consent page.
var authorizeParams = []string{"client_id", "redirect_uri", "response_type", "response_mode", "scope", "state",
	"code_challenge", "code_challenge_method", "nonce", "login_hint", "prompt"}

func readAuthorize(r *http.Request) (authorizeRequest, map[string]string) {
	get := r.URL.Query().Get
	if r.Method == http.MethodPost {
		get = r.PostFormValue
	}
	raw := map[string]string{}
	for _, p := range authorizeParams {
		raw[p] = get(p)
	}
	return authorizeRequest{
		clientID: raw["client_id"], redirectURI: raw["redirect_uri"], responseType: raw["response_type"],
		responseMode: nameOr(raw["response_mode"], "query"), scope: raw["scope"], state: raw["state"],
		challenge: raw["code_challenge"], method: raw["code_challenge_method"], nonce: raw["nonce"],
		loginHint: raw["login_hint"], prompt: raw["prompt"],
	}, raw
}

// authorize answers the authorization endpoint: the authorization code
// flow with PKCE (S256) to a loopback redirect URI, as MSAL's
// AcquireTokenInteractive uses it. With --auto-approve it signs in at once
// (as login_hint's user, else the first user); otherwise it shows a page
// to pick a user. The code goes back as response_mode says: form_post (a
// self-posting form, MSAL's choice), query or fragment (a 302).
func (e *entraReq) authorize() {
	a, raw := readAuthorize(e.r)
	// What cannot be sent back to the app is shown on a page.
	switch {
	case a.clientID == "":
		e.authorizeErrorPage("AADSTS900144: The request body must contain the following parameter: 'client_id'.")
		return
	case !e.s.publicApps[a.clientID] && a.clientID != e.s.app.clientID:
		e.authorizeErrorPage(fmt.Sprintf("AADSTS700016: Application with identifier '%s' was not found in the directory '%s'.", a.clientID, e.s.dir.File().DisplayName))
		return
	case !loopbackRedirect(a.redirectURI):
		e.authorizeErrorPage(fmt.Sprintf("AADSTS50011: The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'. The emulator accepts loopback redirects only: http://localhost, http://127.0.0.1 or http://[::1], with any port.", a.redirectURI, a.clientID))
		return
	case a.responseMode != "query" && a.responseMode != "form_post" && a.responseMode != "fragment":
		e.authorizeErrorPage(fmt.Sprintf("AADSTS900144: The response_mode '%s' is not supported: use query, fragment or form_post.", a.responseMode))
		return
	}
	if code, aadsts, msg := e.checkAuthorize(a); code != "" {
		if aadsts != 0 {
			msg = fmt.Sprintf("AADSTS%d: %s", aadsts, msg)
		}
		e.authorizeReply(a, url.Values{"error": {code}, "error_description": {msg}})
		return
	}
	var user *tenant.User
	switch {
	case e.r.Method == http.MethodPost && e.r.PostFormValue("action") == "decline":
		e.authorizeReply(a, url.Values{"error": {"access_denied"}, "error_description": {"AADSTS65004: User declined to consent to access the app."}})
		return
	case e.r.Method == http.MethodPost:
		user = e.s.dir.FindUser(e.r.PostFormValue("user"))
	case e.s.opts.AutoApprove > 0:
		user = e.s.dir.FindUser(a.loginHint)
	case a.prompt == "none":
		e.authorizeReply(a, url.Values{"error": {"login_required"}, "error_description": {"AADSTS50058: A silent sign-in request was sent but no user is signed in."}})
		return
	default:
		e.showConsent(a, raw)
		return
	}
	if users := e.s.dir.Users(); user == nil && len(users) > 0 {
		user = users[0]
	}
	code := e.s.codes.add(&authCode{clientID: a.clientID, redirectURI: a.redirectURI, challenge: a.challenge,
		nonce: a.nonce, scopes: strings.Fields(a.scope), user: user, expires: e.s.clock.now().Add(authCodeLifetime)})
	e.s.secrets.add(secretAuthCode, code)
	e.authorizeReply(a, url.Values{"code": {code}, "session_state": {newGUID()}})
}

// checkAuthorize returns the OAuth error for a request that can be
// answered at its redirect URI, or "" when it is acceptable.
func (e *entraReq) checkAuthorize(a authorizeRequest) (code string, aadsts int, msg string) {
	switch {
	case a.responseType != "code":
		return "unsupported_response_type", 700054, fmt.Sprintf("response_type '%s' is not enabled for the application: the emulator issues codes (response_type=code).", a.responseType)
	case a.challenge == "":
		return "invalid_request", 9002325, "Proof Key for Code Exchange is required: send code_challenge and code_challenge_method=S256."
	case a.method != "S256":
		return "invalid_request", 0, fmt.Sprintf("The code_challenge_method '%s' is not supported by the emulator: use S256.", a.method)
	case len(a.challenge) != 43 || strings.Trim(a.challenge, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "":
		return "invalid_request", 501491, "Invalid size of Code_Challenge parameter: send the unpadded base64url SHA-256 of the code verifier (43 characters)."
	case strings.TrimSpace(a.scope) == "":
		return "invalid_request", 900144, "The request body must contain the following parameter: 'scope'."
	}
	if _, _, bad := e.s.delegatedScopes(strings.Fields(a.scope)); bad != "" {
		return "invalid_resource", 500011, fmt.Sprintf("The resource principal named %s was not found in the tenant named %s.", bad, e.s.dir.File().DisplayName)
	}
	return "", 0, ""
}

// authorizeReply sends the answer (a code or an error) to the redirect URI
// in the requested response mode, with the request's state.
func (e *entraReq) authorizeReply(a authorizeRequest, v url.Values) {
	if a.state != "" {
		v.Set("state", a.state)
	}
	if a.responseMode == "form_post" {
		var fields []formField
		for _, k := range []string{"code", "error", "error_description", "state", "session_state"} {
			if v.Has(k) {
				fields = append(fields, formField{k, v.Get(k)})
			}
		}
		e.html(http.StatusOK, formPostPage, struct {
			Action string
			Fields []formField
		}{a.redirectURI, fields})
		return
	}
	u, _ := url.Parse(a.redirectURI) // checked by loopbackRedirect
	if a.responseMode == "fragment" {
		u.Fragment = v.Encode()
	} else {
		u.RawQuery = v.Encode()
	}
	e.w.Header().Set("Cache-Control", "no-store, no-cache")
	e.w.Header().Set("Location", u.String())
	e.w.WriteHeader(http.StatusFound)
}

// showConsent shows the page where a person picks the user to sign in as.
func (e *entraReq) showConsent(a authorizeRequest, raw map[string]string) {
	var fields []formField
	for _, p := range authorizeParams {
		if raw[p] != "" {
			fields = append(fields, formField{p, raw[p]})
		}
	}
	e.html(http.StatusOK, consentPage, consentView{
		App: nameOr(e.s.clientName(a.clientID), a.clientID), Action: e.s.url + "/" + e.tenant + "/oauth2/v2.0/authorize",
		Tenant: e.s.dir.File().Domain, Hint: a.loginHint, Fields: fields, Users: e.s.dir.Users(),
	})
}

// loopbackRedirect accepts http://localhost, http://127.0.0.1 and
// http://[::1] with any port and no path, query or fragment: where MSAL's
// interactive flow listens.
func loopbackRedirect(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
