package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	ghRequestToken = "ghs-request-Token.For_Tests~0123456789" // must never appear in an error
	ghApp          = "0a1b2c3d-aaaa-bbbb-cccc-0000000000a1"
)

// ghJWT is a token shaped like GitHub's (the fake authority compares it
// verbatim; the emulator checks real signatures).
func ghJWT(sub string) string {
	claims, _ := json.Marshal(map[string]any{"iss": "https://token.actions.githubusercontent.com", "sub": sub,
		"aud": githubAudience, "exp": time.Now().Add(5 * time.Minute).Unix()})
	return b64(`{"alg":"RS256","typ":"JWT","kid":"k1"}`) + "." + b64(string(claims)) + ".c2lnbmF0dXJlLW9mLXRoZS1naXRodWItdG9rZW4"
}

// fakeGitHub is GitHub's OIDC token endpoint over TLS on 127.0.0.1. It
// answers from a script of (status, body, Retry-After); the last entry
// repeats. It records the queries and Authorization headers it got.
type fakeGitHub struct {
	srv *httptest.Server

	mu      sync.Mutex
	answers []ghAnswer
	queries []string
	auths   []string
}

type ghAnswer struct {
	status     int
	body       string
	retryAfter string
}

func newFakeGitHub(t *testing.T, answers ...ghAnswer) *fakeGitHub {
	g := &fakeGitHub{answers: answers}
	g.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.queries = append(g.queries, r.URL.Path+"?"+r.URL.RawQuery)
		g.auths = append(g.auths, r.Header.Get("Authorization"))
		a := g.answers[0]
		if len(g.answers) > 1 {
			g.answers = g.answers[1:]
		}
		g.mu.Unlock()
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *fakeGitHub) requests() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queries)
}

func ghValue(jwt string) ghAnswer {
	return ghAnswer{status: 200, body: fmt.Sprintf(`{"count":%d,"value":%q}`, len(jwt), jwt)}
}

// ghConfig points at the fake authority, with GitHub's variables set.
func ghConfig(t *testing.T, fa *fakeAuthority, g *fakeGitHub, extra map[string]string) Config {
	env := map[string]string{envGitHubTokenURL: g.srv.URL + "/_apis/idtoken?api-version=2.0", envGitHubRequestToken: ghRequestToken}
	for k, v := range extra {
		env[k] = v
	}
	cfg := fa.config(t, env)
	cfg.ClientID = ghApp
	return cfg
}

func noGitHubLeak(t *testing.T, err error, jwt string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{ghRequestToken, jwt, strings.Split(jwt, ".")[1][:20], "eyJ"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error leaks a secret (%.12s…): %v", s, err)
		}
	}
}

func TestGitHubTokenURL(t *testing.T) {
	t.Parallel()
	const aud = "audience=api%3A%2F%2FAzureADTokenExchange"
	for in, want := range map[string]string{
		"https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0": "https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0&" + aud,
		"https://h.example/idtoken":             "https://h.example/idtoken?" + aud,
		"https://h.example/idtoken?":            "https://h.example/idtoken?" + aud,
		"https://h.example/idtoken?a=1&":        "https://h.example/idtoken?a=1&" + aud,
		"https://h.example/idtoken?a=1#frag":    "https://h.example/idtoken?a=1&" + aud,
		"https://127.0.0.1:8443/x%2Fy?v=%20ok+": "https://127.0.0.1:8443/x%2Fy?v=%20ok+&" + aud,
	} {
		got, err := githubTokenURL(in, githubAudience)
		if err != nil || got != want {
			t.Errorf("githubTokenURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"http://h.example/idtoken", "h.example/idtoken", "https://", "https://user:pw@h.example/x", "::"} {
		_, err := githubTokenURL(bad, githubAudience)
		e := wantAuthError(t, err, envGitHubTokenURL, "https")
		if e != nil && strings.Contains(e.Error(), "pw@") {
			t.Errorf("error quotes the URL's password: %v", e)
		}
	}
}

func TestGitHubAnswerShapes(t *testing.T) {
	t.Parallel()
	jwt := ghJWT("repo:contoso/provisioning:ref:refs/heads/main")
	for _, body := range []string{fmt.Sprintf(`{"value":%q}`, jwt), fmt.Sprintf(`{"count":1731,"value":%q}`, jwt), fmt.Sprintf(`{"value":" %s\n","extra":[1]}`, jwt)} {
		if got, err := githubAnswerToken([]byte(body)); err != nil || got != jwt {
			t.Errorf("githubAnswerToken(%.40s…) = %.20q, %v", body, got, err)
		}
	}
	for body, want := range map[string]string{
		`{"count":0}`:                          `no "value"`,
		`{"value":"opaque-not-a-jwt"}`:         "not a JWT",
		`{"value":42}`:                         "not a JWT",
		`[1,2]`:                                "could not be read",
		`<html>proxy</html>`:                   "could not be read",
		`{"value":"` + jwt:                     "could not be read", // cut off
		strings.Repeat(" ", githubMaxAnswer+1): "too large",
	} {
		_, err := githubAnswerToken([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("githubAnswerToken(%.30q…) = %v, want %q", body, err, want)
		}
		noGitHubLeak(t, err, jwt)
	}
}

func TestGitHubOIDCSignIn(t *testing.T) {
	t.Parallel()
	jwt := ghJWT("repo:contoso/provisioning:ref:refs/heads/main")
	g := newFakeGitHub(t, ghValue(jwt))
	fa := appFake(t)
	fa.set(func(fa *fakeAuthority) { fa.appClientID, fa.assertion = ghApp, jwt })
	// A client secret is set too: GitHub OIDC comes first.
	cfg := ghConfig(t, fa, g, map[string]string{envClientSecret: "ignored-secret"})
	if m := SelectMode(cfg); m != ModeGitHubOIDC {
		t.Fatalf("mode %s", m)
	}
	src, err := NewTokenSource(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	first, err := src.Token(ctx, false)
	if err != nil || !strings.HasPrefix(first, "app-at-") {
		t.Fatalf("Token = %q, %v", first, err)
	}
	g.mu.Lock()
	query, auth := g.queries[0], g.auths[0]
	g.mu.Unlock()
	if query != "/_apis/idtoken?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange" {
		t.Errorf("GitHub was asked %q", query)
	}
	if auth != "bearer "+ghRequestToken {
		t.Errorf("Authorization sent to GitHub: %q", auth)
	}
	// A cached token costs no GitHub request; a new one gets a fresh assertion.
	if again, _ := src.Token(ctx, false); again != first || g.requests() != 1 {
		t.Errorf("cached token: %d GitHub requests", g.requests())
	}
	if _, err := src.Token(ctx, true); err != nil || g.requests() != 2 {
		t.Errorf("refresh: %v, %d GitHub requests (want a fresh assertion)", err, g.requests())
	}
	info, err := Status(ctx, cfg)
	if err != nil || info.Mode != ModeGitHubOIDC || info.ClientID != ghApp || info.Sources == nil ||
		info.Sources.Credential != "ACTIONS_ID_TOKEN_REQUEST_URL + ACTIONS_ID_TOKEN_REQUEST_TOKEN" {
		t.Errorf("status = %+v (sources %+v), %v", info, info.Sources, err)
	}
}

func TestGitHubOIDCNoMatchingFederatedCredential(t *testing.T) {
	t.Parallel()
	jwt := ghJWT("repo:contoso/provisioning:ref:refs/heads/dev")
	g := newFakeGitHub(t, ghValue(jwt))
	fa := appFake(t)
	fa.set(func(fa *fakeAuthority) { fa.appClientID, fa.assertion = ghApp, "another-token" })
	_, err := AccessToken(testCtx(t), ghConfig(t, fa, g, nil), nil)
	wantAuthError(t, err, "github-oidc", "AADSTS700213", "federated credential", "app registration "+ghApp,
		"subject repo:contoso/provisioning:ref:refs/heads/dev", "audience api://AzureADTokenExchange", "issuer https://token.actions.githubusercontent.com")
	noGitHubLeak(t, err, jwt) // the fake authority echoes the assertion
}

func TestGitHubOIDCRetries(t *testing.T) {
	t.Parallel()
	jwt := ghJWT("repo:contoso/provisioning:ref:refs/heads/main")
	fa := appFake(t)
	fa.set(func(fa *fakeAuthority) { fa.appClientID, fa.assertion = ghApp, jwt })

	// 503, 429 and a proxy page are tried again, after Retry-After.
	g := newFakeGitHub(t, ghAnswer{503, `{"message":"unavailable ` + jwt + `"}`, "0"}, ghAnswer{429, "", "0.01"},
		ghAnswer{200, "<html>proxy</html>", "0"}, ghValue(jwt))
	if _, err := AccessToken(testCtx(t), ghConfig(t, fa, g, nil), nil); err != nil || g.requests() != 4 {
		t.Errorf("after 503, 429 and a proxy page: %v, %d requests", err, g.requests())
	}

	// A 500 that persists: loginAttempts tries, then exit 1 (not a sign-in failure).
	g = newFakeGitHub(t, ghAnswer{500, "oops", "0"})
	_, err := AccessToken(testCtx(t), ghConfig(t, fa, g, nil), nil)
	var ae *Error
	if err == nil || errors.As(err, &ae) || !strings.Contains(err.Error(), "HTTP 500") || g.requests() != loginAttempts {
		t.Errorf("persistent 500: %v (auth error %v), %d requests", err, ae != nil, g.requests())
	}
	noGitHubLeak(t, err, jwt)

	// 401: no retry, exit 4, the fix named, the request token not echoed.
	g = newFakeGitHub(t, ghAnswer{401, `{"message":"Bad credentials ` + ghRequestToken + `"}`, ""})
	_, err = AccessToken(testCtx(t), ghConfig(t, fa, g, nil), nil)
	wantAuthError(t, err, "HTTP 401", "id-token: write", envGitHubRequestToken)
	if g.requests() != 1 {
		t.Errorf("401 was tried %d times", g.requests())
	}
	noGitHubLeak(t, err, jwt)

	// A bad answer to a 200 is a sign-in failure, not retried.
	g = newFakeGitHub(t, ghAnswer{200, `{"count":0}`, ""})
	_, err = AccessToken(testCtx(t), ghConfig(t, fa, g, nil), nil)
	wantAuthError(t, err, `no "value"`)
	if g.requests() != 1 {
		t.Errorf("a 200 without a token was tried %d times", g.requests())
	}

	// Unreachable: retried within the deadline, then "cannot reach" (exit 1).
	g = newFakeGitHub(t, ghValue(jwt))
	cfg := ghConfig(t, fa, g, nil)
	g.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = AccessToken(ctx, cfg, nil)
	if err == nil || errors.As(err, &ae) || !strings.Contains(err.Error(), "cannot reach") || time.Since(start) > 1100*time.Millisecond {
		t.Errorf("unreachable GitHub: %v after %s", err, time.Since(start))
	}
	noGitHubLeak(t, err, jwt)
}

func TestGitHubOIDCCancel(t *testing.T) {
	t.Parallel()
	g := newFakeGitHub(t, ghAnswer{503, "", "5"})
	fa := appFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := AccessToken(ctx, ghConfig(t, fa, g, nil), nil)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Errorf("canceled during Retry-After: %v after %s", err, time.Since(start))
	}
}
