package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// authCodeGrant redeems a code the test browser registered, checking the
// PKCE verifier against its challenge. Called with fa.mu held.
func (fa *fakeAuthority) authCodeGrant(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	challenge, ok := fa.authCodes[f.Get("code")]
	delete(fa.authCodes, f.Get("code"))
	sum := sha256.Sum256([]byte(f.Get("code_verifier")))
	switch {
	case !ok:
		oauthFail(w, 400, "invalid_grant", "AADSTS70000: unknown code "+f.Get("code"))
	case base64.RawURLEncoding.EncodeToString(sum[:]) != challenge:
		oauthFail(w, 400, "invalid_grant", "AADSTS50148: verifier mismatch")
	case !strings.HasPrefix(f.Get("redirect_uri"), "http://localhost:"):
		oauthFail(w, 400, "invalid_grant", "AADSTS500112: redirect")
	default:
		fa.userTokens(w, r)
	}
}

// testBrowser plays the person's browser: it reads the authorization
// request, registers a code for its challenge with the fake, and posts the
// code and state back to MSAL's loopback listener (at 127.0.0.1), as the
// authority's form_post page would.
type testBrowser struct {
	t      *testing.T
	fa     *fakeAuthority
	mu     sync.Mutex
	urls   []string
	params url.Values
}

func (b *testBrowser) open(raw string) error {
	b.mu.Lock()
	b.urls = append(b.urls, raw)
	b.mu.Unlock()
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	q := u.Query()
	b.params = q
	code := "code-" + randomString(20)
	b.fa.set(func(fa *fakeAuthority) {
		if fa.authCodes == nil {
			fa.authCodes = map[string]string{}
		}
		fa.authCodes[code] = q.Get("code_challenge")
	})
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Hostname() != "localhost" {
		return errors.New("redirect_uri is not http://localhost")
	}
	target := "http://" + net.JoinHostPort("127.0.0.1", redirect.Port()) + "/"
	resp, err := http.PostForm(target, url.Values{"code": {code}, "state": {q.Get("state")}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func TestLoginBrowserPKCE(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	b := &testBrowser{t: t, fa: fa}
	var prompts []BrowserPrompt
	acct, err := LoginBrowser(testCtx(t), cfg, nil, b.open, func(p BrowserPrompt) { prompts = append(prompts, p) })
	if err != nil {
		t.Fatalf("LoginBrowser: %v", err)
	}
	if acct.Username != fakeUser || acct.HomeAccountID != fakeUID+"."+fakeUTID || acct.Tenant != "contoso" {
		t.Errorf("account %+v", acct)
	}
	if len(prompts) != 1 || prompts[0].OpenErr != nil || prompts[0].URL != b.urls[0] {
		t.Errorf("prompts %+v", prompts)
	}
	q := b.params
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || q.Get("response_type") != "code" ||
		q.Get("state") == "" || !strings.Contains(q.Get("scope"), fakeGraphURL+"/Synchronization.ReadWrite.All") {
		t.Errorf("authorization request %v", q)
	}
	// The same cache as a device-code login: a later command is silent.
	before := fa.count("authorization_code") + fa.count("refresh_token")
	if tok := token(t, Config{AuthorityHost: cfg.AuthorityHost, GraphURL: cfg.GraphURL, ConfigDir: cfg.ConfigDir, HTTPClient: cfg.HTTPClient}, false); !strings.HasPrefix(tok, "user-at-") {
		t.Errorf("silent token %q", tok)
	}
	if fa.count("authorization_code") != 1 || fa.count("authorization_code")+fa.count("refresh_token") != before {
		t.Errorf("token requests: %v", fa.counts)
	}
}

func TestLoginBrowserWithoutBrowser(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	b := &testBrowser{t: t, fa: fa}
	// No browser starts: the prompt says why and gives the URL; a person
	// opening it by hand still completes the sign-in.
	open := func(string) error { return errors.New("BROWSER command \"nope\": not found") }
	acct, err := LoginBrowser(testCtx(t), cfg, nil, open, func(p BrowserPrompt) {
		if p.OpenErr == nil || !strings.Contains(p.URL, "/oauth2/v2.0/authorize?") {
			t.Errorf("prompt %+v", p)
		}
		go func() { _ = b.open(p.URL) }()
	})
	if err != nil || acct.Username != fakeUser {
		t.Fatalf("LoginBrowser: %v %+v", err, acct)
	}

	// Nobody signs in: --timeout ends the wait with exit 4's error.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = LoginBrowser(ctx, fa.config(t, nil), nil, func(string) error { return nil }, nil)
	wantAuthError(t, err, "timed out", "provctl login --browser")

	// The person declines: the error says so.
	decline := func(raw string) error {
		u, _ := url.Parse(raw)
		redirect, _ := url.Parse(u.Query().Get("redirect_uri"))
		resp, err := http.PostForm("http://127.0.0.1:"+redirect.Port()+"/", url.Values{"error": {"access_denied"},
			"error_description": {"AADSTS65004: User declined to consent"}, "state": {u.Query().Get("state")}})
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	_, err = LoginBrowser(testCtx(t), fa.config(t, nil), nil, decline, nil)
	wantAuthError(t, err, "sign-in failed in the browser", "AADSTS65004")
}
