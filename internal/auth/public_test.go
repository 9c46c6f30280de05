package auth

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoginDeviceCodePendingThenApproved(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	fa.set(func(fa *fakeAuthority) { fa.pendingPolls = 2 })
	cfg := fa.config(t, nil)

	acct, dc := login(t, cfg)

	if dc.UserCode != "ABCD-1234" || !strings.Contains(dc.Message, "ABCD-1234") || dc.VerificationURL != fa.srv.URL+"/device" {
		t.Errorf("prompt = %+v", dc)
	}
	if until := time.Until(dc.ExpiresOn); until < 30*time.Second || until > 61*time.Second {
		t.Errorf("ExpiresOn in %s, want ~60s", until)
	}
	if got := fa.count("device_code"); got != 3 {
		t.Errorf("device_code polls = %d, want 3 (2 pending + approved)", got)
	}
	want := Account{HomeAccountID: fakeUID + "." + fakeUTID, Username: fakeUser, TenantID: fakeUTID,
		Tenant: "contoso", AuthorityHost: fa.srv.URL, ClientID: DefaultClientID}
	if acct.HomeAccountID != want.HomeAccountID || acct.Username != want.Username || acct.TenantID != want.TenantID ||
		acct.Tenant != want.Tenant || acct.AuthorityHost != want.AuthorityHost || acct.ClientID != want.ClientID {
		t.Errorf("account = %+v, want %+v", acct, want)
	}
	// The union of provctl's scopes, prefixed for a non-global Graph; MSAL
	// adds offline_access for the refresh token.
	scope := fa.lastScope("device_code")
	for _, s := range []string{fakeGraphURL + "/Synchronization.ReadWrite.All", fakeGraphURL + "/AuditLog.Read.All", fakeGraphURL + "/Directory.Read.All", "offline_access"} {
		if !strings.Contains(scope, s) {
			t.Errorf("scope %q lacks %q", scope, s)
		}
	}
	// Files: dir 0700 (created by Login), cache and account 0600.
	if m := fileMode(t, cfg.ConfigDir); m != 0o700 {
		t.Errorf("config dir mode %04o, want 0700", m)
	}
	for _, f := range []string{cacheFileName, accountFileName} {
		if m := fileMode(t, filepath.Join(cfg.ConfigDir, f)); m != 0o600 {
			t.Errorf("%s mode %04o, want 0600", f, m)
		}
	}
	if m := fileMode(t, filepath.Join(cfg.ConfigDir, cacheFileName+".lock")); m&0o077 != 0 {
		t.Errorf("lock file mode %04o, want no group/other access", m)
	}
	data, _ := os.ReadFile(filepath.Join(cfg.ConfigDir, accountFileName))
	if strings.Contains(string(data), "at-") || strings.Contains(string(data), "\"rt") {
		t.Errorf("account.json holds a token: %s", data)
	}
}

func TestSilentFromCacheInNewProcess(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	grantsBefore := fa.count("refresh_token") + fa.count("device_code")

	// A new process: a new Config value, new MSAL client, same directory.
	// Tenant and client id left empty come from the login.
	cfg2 := cfg
	cfg2.Tenant, cfg2.ClientID = "", ""
	tok := token(t, cfg2, false)
	if !strings.HasPrefix(tok, "user-at-") {
		t.Fatalf("token %q", tok)
	}
	if got := fa.count("refresh_token") + fa.count("device_code"); got != grantsBefore {
		t.Errorf("silent call made %d token requests, want 0 (cache hit)", got-grantsBefore)
	}
	// A narrower scope is served from the same cached token.
	src, _ := NewTokenSource(cfg2, []string{"Synchronization.ReadWrite.All"})
	if tok2, err := src.Token(testCtx(t), false); err != nil || tok2 != tok {
		t.Errorf("narrower scope: %q, %v; want cached %q", tok2, err, tok)
	}
}

func TestForcedExpiryRedeemsRefreshToken(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	first := token(t, cfg, false)

	expireAccessTokens(t, cfg)
	second := token(t, cfg, false)
	if second == first {
		t.Fatal("expired token was returned")
	}
	if got := fa.count("refresh_token"); got != 1 {
		t.Errorf("refresh_token grants = %d, want 1", got)
	}
	// The new token was written back: a third process hits the cache.
	if third := token(t, cfg, false); third != second || fa.count("refresh_token") != 1 {
		t.Errorf("third = %q (grants %d), want cached %q", third, fa.count("refresh_token"), second)
	}
}

func TestRefreshTrueForcesNetworkRefreshOnce(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	src, err := NewTokenSource(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	first, err := src.Token(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	second, err := src.Token(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if second == first || fa.count("refresh_token") != 1 {
		t.Fatalf("refresh=true: same token %v, grants %d; want a new token from 1 grant", second == first, fa.count("refresh_token"))
	}
	// Only once: the next call is a cache hit with the new token, also for
	// another process.
	if third, _ := src.Token(ctx, false); third != second {
		t.Errorf("after refresh got %q, want %q", third, second)
	}
	if other := token(t, cfg, false); other != second || fa.count("refresh_token") != 1 {
		t.Errorf("other process got %q (grants %d), want %q", other, fa.count("refresh_token"), second)
	}
	// The refused token is gone from the file.
	data, _ := os.ReadFile(filepath.Join(cfg.ConfigDir, cacheFileName))
	if strings.Contains(string(data), first) {
		t.Error("refused token still in the cache file")
	}
}

func TestRevokedRefreshTokenSaysLogin(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	doc := cacheDoc(t, cfg)
	var rt string
	for _, e := range doc["RefreshToken"] {
		rt, _ = e["secret"].(string)
	}
	fa.revokeAll()
	expireAccessTokens(t, cfg)

	src, _ := NewTokenSource(cfg, nil)
	_, err := src.Token(testCtx(t), false)
	wantAuthError(t, err, "expired or was revoked", "run `provctl login`", "invalid_grant", "trace-1")
	if !errors.Is(err, ErrNotSignedIn) {
		t.Error("not errors.Is ErrNotSignedIn")
	}
	if rt == "" || strings.Contains(err.Error(), rt) || strings.Contains(err.Error(), rt[:20]) {
		t.Errorf("error leaks the refresh token: %v", err)
	}
}

func TestNotSignedIn(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	src, err := NewTokenSource(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token(testCtx(t), false)
	wantAuthError(t, err, "provctl login")
	if !errors.Is(err, ErrNotSignedIn) {
		t.Error("not ErrNotSignedIn")
	}
	if fa.count("devicecode") != 0 {
		t.Error("a token source started a device-code flow")
	}
	if _, err := os.Stat(cfg.ConfigDir); !errors.Is(err, os.ErrNotExist) {
		t.Error("a read created the config dir")
	}
	_, err = Status(testCtx(t), cfg)
	wantAuthError(t, err, "provctl login")
}

func TestSignedInElsewhere(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)

	other := cfg
	other.ClientID = "11111111-2222-3333-4444-555555555555"
	_, err := AccessToken(testCtx(t), other, nil)
	wantAuthError(t, err, "client id", "provctl login --client-id 11111111-2222-3333-4444-555555555555")

	other = cfg
	other.AuthorityHost = "https://login.microsoftonline.us"
	_, err = AccessToken(testCtx(t), other, nil)
	wantAuthError(t, err, "signed in at "+fa.srv.URL, "provctl login")
}

func TestLogoutLeavesNoTokens(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	tok := token(t, cfg, false)

	if err := Logout(testCtx(t), cfg); err != nil {
		t.Fatal(err)
	}
	doc := cacheDoc(t, cfg)
	for _, kind := range []string{"AccessToken", "RefreshToken", "IdToken", "Account"} {
		if len(doc[kind]) != 0 {
			t.Errorf("after logout the cache still has %d %s entries", len(doc[kind]), kind)
		}
	}
	data, _ := os.ReadFile(filepath.Join(cfg.ConfigDir, cacheFileName))
	if strings.Contains(string(data), tok) || strings.Contains(string(data), "secret") {
		t.Errorf("cache after logout: %s", data)
	}
	if _, err := os.Stat(filepath.Join(cfg.ConfigDir, accountFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Error("account.json survived logout")
	}
	if m := fileMode(t, filepath.Join(cfg.ConfigDir, cacheFileName)); m != 0o600 {
		t.Errorf("cache mode %04o after logout", m)
	}
	// Idempotent, and then not signed in.
	if err := Logout(testCtx(t), cfg); err != nil {
		t.Errorf("second logout: %v", err)
	}
	_, err := AccessToken(testCtx(t), cfg, nil)
	wantAuthError(t, err, "provctl login")
	// Logout with nothing ever written is fine too.
	if err := Logout(testCtx(t), fa.config(t, nil)); err != nil {
		t.Errorf("logout of nothing: %v", err)
	}
}

func TestCorruptedCacheIsAnAuthErrorThenLoginOverwrites(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	var warns warnings
	cfg := fa.config(t, nil)
	cfg.Warn = warns.add
	login(t, cfg)
	path := filepath.Join(cfg.ConfigDir, cacheFileName)

	for _, garbage := range []string{"{not json", `["a list"]`, `{"AccessToken": 5}`, "\x00\x01"} {
		if err := os.WriteFile(path, []byte(garbage), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := AccessToken(testCtx(t), cfg, nil)
		wantAuthError(t, err, "token cache at "+path+" is unreadable", "provctl login")
		if !errors.Is(err, ErrNotSignedIn) {
			t.Error("not ErrNotSignedIn")
		}
		if _, err := Status(testCtx(t), cfg); err == nil {
			t.Error("status succeeded on a corrupted cache")
		}
	}
	if !strings.Contains(warns.String(), path) {
		t.Errorf("no warning naming the cache: %q", warns.String())
	}
	// Unreadable (a directory in its place) behaves the same.
	_ = os.Remove(path)
	_ = os.Mkdir(path, 0o700)
	_, err := AccessToken(testCtx(t), cfg, nil)
	wantAuthError(t, err, "unreadable", "provctl login")
	_ = os.Remove(path)

	// Login overwrites a corrupted cache and everything works again.
	_ = os.WriteFile(path, []byte("{not json"), 0o600)
	login(t, cfg)
	if tok := token(t, cfg, false); tok == "" {
		t.Fatal("no token after re-login")
	}
	cacheDoc(t, cfg)

	// A corrupted account.json is reported the same way.
	_ = os.WriteFile(filepath.Join(cfg.ConfigDir, accountFileName), []byte("nope"), 0o600)
	_, err = AccessToken(testCtx(t), cfg, nil)
	wantAuthError(t, err, accountFileName, "unreadable", "provctl login")
}

func TestLooseConfigDirWarns(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	var warns warnings
	cfg := fa.config(t, nil)
	cfg.Warn = warns.add
	if err := os.MkdirAll(cfg.ConfigDir, 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(cfg.ConfigDir, 0o755)
	login(t, cfg)
	if !strings.Contains(warns.String(), "chmod 700") {
		t.Errorf("warnings %q lack the chmod advice", warns.String())
	}
}

func TestLoginFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		outcome string
		want    string
	}{
		{"expired_token", "device code expired"},
		{"authorization_declined", "declined"},
		{"bad_verification_code", "bad_verification_code"},
	} {
		t.Run(tc.outcome, func(t *testing.T) {
			t.Parallel()
			fa := newFakeAuthority(t)
			fa.set(func(fa *fakeAuthority) { fa.deviceOutcome = tc.outcome })
			cfg := fa.config(t, nil)
			_, err := Login(testCtx(t), cfg, nil, nil)
			wantAuthError(t, err, tc.want)
			if strings.Contains(err.Error(), "device-code-") {
				t.Errorf("error leaks the device code: %v", err)
			}
			if _, err := os.Stat(filepath.Join(cfg.ConfigDir, accountFileName)); err == nil {
				t.Error("a failed login remembered an account")
			}
		})
	}
	t.Run("ctrl-c", func(t *testing.T) {
		t.Parallel()
		fa := newFakeAuthority(t)
		fa.set(func(fa *fakeAuthority) { fa.pendingPolls = 1000 })
		ctx, cancel := context.WithCancel(context.Background())
		_, err := Login(ctx, fa.config(t, nil), nil, func(DeviceCode) {
			time.AfterFunc(300*time.Millisecond, cancel)
		})
		var ae *Error
		if !errors.Is(err, context.Canceled) || errors.As(err, &ae) {
			t.Errorf("canceled login: %v (want context.Canceled, not *Error)", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		fa := newFakeAuthority(t)
		fa.set(func(fa *fakeAuthority) { fa.pendingPolls = 1000 })
		ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
		defer cancel()
		_, err := Login(ctx, fa.config(t, nil), nil, nil)
		wantAuthError(t, err, "timed out")
	})
	t.Run("code expiry", func(t *testing.T) {
		t.Parallel()
		fa := newFakeAuthority(t)
		fa.set(func(fa *fakeAuthority) { fa.pendingPolls, fa.deviceExpiry = 1000, 1 })
		_, err := Login(testCtx(t), fa.config(t, nil), nil, nil)
		wantAuthError(t, err, "device code expired", "provctl login")
	})
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		fa := newFakeAuthority(t)
		cfg := fa.config(t, nil)
		fa.srv.Close()
		_, err := Login(testCtx(t), cfg, nil, nil)
		var ae *Error
		if err == nil || errors.As(err, &ae) || !strings.Contains(err.Error(), "cannot reach the authority") {
			t.Errorf("unreachable authority: %T %v (want a non-auth network error)", err, err)
		}
	})
}

func TestStatusNeverShowsTheToken(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	cfg.Cloud = "global" // as cmd resolves it; the fake's hosts make it custom
	login(t, cfg)
	tok, err := AccessToken(testCtx(t), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := Status(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode != ModeDeviceCode || info.Account != fakeUser || info.Tenant != fakeUTID || info.ClientID != DefaultClientID ||
		info.AuthorityHost != fa.srv.URL || info.Cloud != "custom" || info.CacheFile != filepath.Join(cfg.ConfigDir, cacheFileName) {
		t.Errorf("status = %+v", info)
	}
	if time.Until(info.ExpiresOn) < 50*time.Minute {
		t.Errorf("ExpiresOn = %s", info.ExpiresOn)
	}
	if len(info.Scopes) != 3 {
		t.Errorf("scopes = %q", info.Scopes)
	}
	out, _ := json.Marshal(info)
	for _, key := range []string{`"mode":"device-code"`, `"account":`, `"tenant":`, `"cloud":`, `"clientId":`, `"authorityHost":`, `"expiresOn":`, `"scopes":`, `"cacheFile":`} {
		if !strings.Contains(string(out), key) {
			t.Errorf("status JSON %s lacks %s", out, key)
		}
	}
	if strings.Contains(string(out), tok) {
		t.Error("status JSON contains the token")
	}
}

func TestLoginWithScopeFlag(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	acct, err := Login(testCtx(t), cfg, []string{"Synchronization.Read.All"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(acct.Scopes) != 1 || acct.Scopes[0] != fakeGraphURL+"/Synchronization.Read.All" {
		t.Errorf("scopes = %q", acct.Scopes)
	}
	// nil scopes later mean "what was consented at login": a cache hit.
	token(t, cfg, false)
	if fa.count("refresh_token") != 0 {
		t.Error("silent call for the login scopes went to the network")
	}
}

func TestLaterCommandsKeepTheLoginTenantAndClient(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	cfg.Tenant, cfg.ClientID = "fabrikam.example", "0a1b2c3d-aaaa-bbbb-cccc-0000000000c1"
	login(t, cfg)
	// cmd fills the defaults when nothing is configured.
	later := cfg
	later.Tenant, later.ClientID = "organizations", DefaultClientID
	token(t, later, false)
	if fa.count("refresh_token") != 0 {
		t.Error("defaults did not reuse the login's tenant and client id (cache miss)")
	}
	info, err := Status(testCtx(t), later)
	if err != nil || info.ClientID != cfg.ClientID {
		t.Errorf("status = %+v, %v", info, err)
	}
}
