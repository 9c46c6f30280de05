package emulator

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const testVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" // RFC 7636's example

func authorizeQuery(mutate func(url.Values)) url.Values {
	q := url.Values{
		"client_id": {defaultPublicClient}, "response_type": {"code"}, "response_mode": {"form_post"},
		"redirect_uri": {"http://localhost:51234"}, "scope": {"Synchronization.Read.All openid offline_access profile"},
		"state": {"st-1"}, "nonce": {"n-1"}, "code_challenge": {pkceS256(testVerifier)}, "code_challenge_method": {"S256"},
	}
	if mutate != nil {
		mutate(q)
	}
	return q
}

// authorizeGet sends GET /authorize without following redirects.
func (h *harness) authorizeGet(q url.Values) response {
	h.t.Helper()
	c := *h.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	saved := h.c
	h.c = &c
	defer func() { h.c = saved }()
	return h.call("GET", "/"+tenantID+"/oauth2/v2.0/authorize?"+q.Encode(), nil)
}

var hiddenRe = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)"`)

// formFields reads a page's hidden fields.
func formFields(page []byte) url.Values {
	v := url.Values{}
	for _, m := range hiddenRe.FindAllStringSubmatch(string(page), -1) {
		v.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

func (h *harness) redeem(code, verifier, redirect, clientID string) response {
	h.t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
		"redirect_uri": {redirect}, "client_id": {clientID}, "scope": {"Synchronization.Read.All offline_access openid profile"}}
	return h.call("POST", "/"+tenantID+"/oauth2/v2.0/token", form.Encode())
}

func TestAuthorizeCodeWithPKCE(t *testing.T) {
	h := start(t, Options{AutoApprove: time.Millisecond})
	r := h.authorizeGet(authorizeQuery(nil))
	wantStatus(t, r, 200)
	page := string(r.raw)
	if !strings.Contains(page, `name="hiddenform" action="http://localhost:51234"`) || !strings.Contains(page, "document.forms[0].submit()") {
		t.Fatalf("form_post page:\n%s", page)
	}
	f := formFields(r.raw)
	code := f.Get("code")
	if code == "" || f.Get("state") != "st-1" || f.Get("session_state") == "" {
		t.Fatalf("fields %v", f)
	}

	for _, bad := range []struct {
		name, verifier, redirect, client string
		aadsts                           float64
	}{
		{"wrong verifier", strings.Repeat("x", 43), "http://localhost:51234", defaultPublicClient, 50148},
	} {
		r := h.redeem(code, bad.verifier, bad.redirect, bad.client)
		if r.status != 400 || r.body["error"] != "invalid_grant" || get(r.body, "error_codes", 0) != bad.aadsts {
			t.Errorf("%s: %d %s", bad.name, r.status, r.raw)
		}
	}
	// The failed attempt used the code up, as Entra does.
	r = h.redeem(code, testVerifier, "http://localhost:51234", defaultPublicClient)
	if r.body["error"] != "invalid_grant" || get(r.body, "error_codes", 0) != float64(54005) {
		t.Errorf("reuse: %s", r.raw)
	}

	code = formFields(h.authorizeGet(authorizeQuery(nil)).raw).Get("code")
	r = h.redeem(code, testVerifier, "http://localhost:51234", defaultPublicClient)
	wantStatus(t, r, 200)
	if keys(r.body) != "access_token,client_info,expires_in,ext_expires_in,id_token,refresh_token,scope,token_type" {
		t.Errorf("token answer fields %s", keys(r.body))
	}
	id, err := parseJWT(r.body["id_token"].(string))
	if err != nil || id.str("nonce") != "n-1" || id.str("preferred_username") != "adele@contoso.test" {
		t.Errorf("id token %v %v", id, err)
	}
	c, err := h.s.tokens.verify(r.body["access_token"].(string))
	if err != nil || !c.delegated || !c.perms["synchronization.read.all"] {
		t.Errorf("access token %+v %v", c, err)
	}
	for _, s := range []struct{ kind, value string }{{secretAuthCode, code}, {secretCodeVerifier, testVerifier}} {
		found := false
		for _, rec := range h.s.secrets.snapshot() {
			found = found || (rec.Kind == s.kind && rec.Value == s.value)
		}
		if !found {
			t.Errorf("%s not in the secret log", s.kind)
		}
	}

	// The code is bound to its client and redirect URI.
	for _, tc := range []struct {
		redirect, client string
		aadsts           float64
	}{
		{"http://localhost:9", defaultPublicClient, 500112},
		{"http://localhost:51234", appID, 70000},
	} {
		code := formFields(h.authorizeGet(authorizeQuery(nil)).raw).Get("code")
		r := h.redeem(code, testVerifier, tc.redirect, tc.client)
		if r.status != 400 || get(r.body, "error_codes", 0) != tc.aadsts {
			t.Errorf("%+v: %s", tc, r.raw)
		}
	}
}

func TestAuthorizeRefusals(t *testing.T) {
	h := start(t, Options{AutoApprove: time.Millisecond})
	// Never sent back to an address that is not loopback, nor for an unknown app: a page.
	for _, q := range []url.Values{
		authorizeQuery(func(q url.Values) { q.Set("redirect_uri", "https://evil.example/cb") }),
		authorizeQuery(func(q url.Values) { q.Set("redirect_uri", "http://10.0.0.1:8080") }),
		authorizeQuery(func(q url.Values) { q.Set("client_id", "11111111-2222-3333-4444-555555555555") }),
	} {
		r := h.authorizeGet(q)
		if r.status != 400 || r.header.Get("Location") != "" || strings.Contains(string(r.raw), "hiddenform") {
			t.Errorf("%v: %d %s", q, r.status, r.raw)
		}
	}
	// Request errors go back to the app, with the state.
	for _, tc := range []struct {
		mutate func(url.Values)
		err    string
	}{
		{func(q url.Values) { q.Del("code_challenge") }, "invalid_request"},
		{func(q url.Values) { q.Set("code_challenge_method", "plain") }, "invalid_request"},
		{func(q url.Values) { q.Set("code_challenge", "short") }, "invalid_request"},
		{func(q url.Values) { q.Set("response_type", "token") }, "unsupported_response_type"},
		{func(q url.Values) { q.Set("scope", "https://vault.azure.net/.default") }, "invalid_resource"},
	} {
		r := h.authorizeGet(authorizeQuery(func(q url.Values) { q.Set("response_mode", "query"); tc.mutate(q) }))
		loc, _ := url.Parse(r.header.Get("Location"))
		if r.status != 302 || loc == nil || loc.Host != "localhost:51234" || loc.Query().Get("error") != tc.err || loc.Query().Get("state") != "st-1" || loc.Query().Has("code") {
			t.Errorf("%s: %d %s", tc.err, r.status, r.header.Get("Location"))
		}
	}
	// query mode carries the code in the Location.
	r := h.authorizeGet(authorizeQuery(func(q url.Values) { q.Set("response_mode", "query"); q.Set("redirect_uri", "http://127.0.0.1:4000/") }))
	loc, _ := url.Parse(r.header.Get("Location"))
	if r.status != 302 || loc.Host != "127.0.0.1:4000" || loc.Query().Get("code") == "" {
		t.Errorf("query mode: %d %s", r.status, r.header.Get("Location"))
	}
}

func TestAuthorizeConsentPage(t *testing.T) {
	h := start(t, Options{}) // no auto-approve: a person picks the user
	r := h.authorizeGet(authorizeQuery(func(q url.Values) { q.Set("login_hint", "megan@contoso.test") }))
	wantStatus(t, r, 200)
	if !strings.Contains(string(r.raw), `id="consent"`) || !strings.Contains(string(r.raw), `value="megan@contoso.test" selected`) {
		t.Fatalf("consent page:\n%s", r.raw)
	}
	form := formFields(r.raw)
	if form.Get("code_challenge") != pkceS256(testVerifier) || form.Get("state") != "st-1" {
		t.Fatalf("hidden fields %v", form)
	}
	post := func(action, user string) url.Values {
		f := formFields(r.raw)
		f.Set("action", action)
		f.Set("user", user)
		res := h.call("POST", "/"+tenantID+"/oauth2/v2.0/authorize", f.Encode())
		wantStatus(t, res, 200)
		return formFields(res.raw)
	}
	if f := post("decline", ""); f.Get("error") != "access_denied" || f.Has("code") || f.Get("state") != "st-1" {
		t.Errorf("decline: %v", f)
	}
	code := post("approve", "megan@contoso.test").Get("code")
	tok := h.redeem(code, testVerifier, "http://localhost:51234", defaultPublicClient)
	wantStatus(t, tok, 200)
	if id, _ := parseJWT(tok.body["id_token"].(string)); id == nil || id.str("preferred_username") != "megan@contoso.test" {
		t.Errorf("signed in as %v", id)
	}
	// prompt=none cannot show the page.
	r = h.authorizeGet(authorizeQuery(func(q url.Values) { q.Set("prompt", "none") }))
	if f := formFields(r.raw); f.Get("error") != "login_required" {
		t.Errorf("prompt=none: %s", r.raw)
	}
}
