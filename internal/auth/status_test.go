package auth

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A revoked sign-in is found only by redeeming the refresh token: Verify
// does so even while the cached access token is valid, where a silent
// token (and so the cached view) still answers.
func TestVerifyFindsARevokedSignIn(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)

	before := fa.count("refresh_token")
	info, src, err := Verify(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if fa.count("refresh_token") != before+1 {
		t.Errorf("Verify redeemed the refresh token %d times, want 1", fa.count("refresh_token")-before)
	}
	if info.Account != fakeUser || time.Until(info.ExpiresOn) < 50*time.Minute {
		t.Errorf("info = %+v", info)
	}
	// the source hands out the new token without another request
	if _, err := src.Token(testCtx(t), false); err != nil {
		t.Fatal(err)
	}
	if fa.count("refresh_token") != before+1 {
		t.Error("the verified source asked again")
	}

	fa.revokeAll()
	token(t, cfg, false) // a cached access token still works for a command
	if _, err := CachedStatus(testCtx(t), cfg); err != nil {
		t.Errorf("cached view of a revoked sign-in: %v", err)
	}
	_, _, err = Verify(testCtx(t), cfg)
	wantAuthError(t, err, "provctl login")
	if !errors.Is(err, ErrNotSignedIn) {
		t.Errorf("not ErrNotSignedIn: %v", err)
	}
}

// The offline view sends nothing, shows the cached token's expiry and
// scopes, and never the token.
func TestCachedStatusSendsNothing(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	tok := token(t, cfg, false)
	counts := func() int { return fa.count("refresh_token") + fa.count("discovery") + fa.count("devicecode") }
	before := counts()

	info, err := CachedStatus(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if counts() != before {
		t.Error("CachedStatus sent a request")
	}
	if info.Mode != ModeDeviceCode || info.Account != fakeUser || info.Tenant != fakeUTID || info.ClientID != DefaultClientID ||
		info.CacheFile != filepath.Join(cfg.ConfigDir, cacheFileName) || time.Until(info.ExpiresOn) < 50*time.Minute || len(info.Scopes) != 3 {
		t.Errorf("info = %+v", info)
	}
	out, _ := json.Marshal(info)
	if strings.Contains(string(out), tok) {
		t.Error("the cached view holds the token")
	}
}

func TestCachedStatusNotSignedIn(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	_, err := CachedStatus(testCtx(t), cfg)
	wantAuthError(t, err, "provctl login")

	login(t, cfg)
	cachePath := filepath.Join(cfg.ConfigDir, cacheFileName)
	for _, tc := range []struct{ name, content, want string }{
		{"empty", "", "unreadable (empty)"},
		{"not JSON", "{nope", "unreadable (not valid JSON)"},
		{"no refresh token", `{"AccessToken":{},"RefreshToken":{}}`, "expired or was revoked"},
	} {
		if err := os.WriteFile(cachePath, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := CachedStatus(testCtx(t), cfg)
		wantAuthError(t, err, tc.want, "provctl login")
	}
}

// App-only and static sign-ins have an offline view too: settings and
// claims, no expiry for app-only (its tokens live in memory).
func TestCachedStatusAppOnly(t *testing.T) {
	t.Parallel()
	fa := appFake(t)
	cfg := appConfig(t, fa, map[string]string{envClientSecret: testSecret})
	info, err := CachedStatus(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode != ModeSecret || info.ClientID != testAppID || !info.ExpiresOn.IsZero() || info.Sources == nil || info.Sources.Credential != envClientSecret {
		t.Errorf("info = %+v", info)
	}
	if fa.count("client_credentials") != 0 {
		t.Error("the offline view asked for a token")
	}
	if out, _ := json.Marshal(info); strings.Contains(string(out), testSecret) {
		t.Error("the offline view shows the secret")
	}
	if _, _, err := Verify(testCtx(t), cfg); err != nil {
		t.Fatal(err)
	}
	if fa.count("client_credentials") != 1 {
		t.Errorf("Verify asked %d times, want 1", fa.count("client_credentials"))
	}
}
