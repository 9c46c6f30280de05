package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
)

// countingUnmarshaler counts the documents MSAL would decode.
type countingUnmarshaler struct{ n atomic.Int32 }

func (u *countingUnmarshaler) Unmarshal([]byte) error { u.n.Add(1); return nil }

// funcUnmarshaler is not comparable: Replace must never compare it.
type funcUnmarshaler struct{ f func([]byte) error }

func (u funcUnmarshaler) Unmarshal(b []byte) error { return u.f(b) }

func writeCacheFile(t testing.TB, dir, content string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, cacheFileName), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// An unchanged file is decoded once per MSAL cache, until MSAL may have
// changed its copy: an Export, or a request of its own.
func TestReplaceDecodesUnchangedFileOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "provctl")
	writeCacheFile(t, dir, `{"AccessToken":{}}`)
	fc := newFileCache(Config{ConfigDir: dir})
	markNetworked := fc.watchNetwork() // as newPublicClient does
	u := &countingUnmarshaler{}
	replace := func(u cache.Unmarshaler) {
		t.Helper()
		if err := fc.Replace(ctx, u, cache.ReplaceHints{}); err != nil {
			t.Fatal(err)
		}
	}
	want := func(step string, n int32) {
		t.Helper()
		if got := u.n.Load(); got != n {
			t.Errorf("%s: %d decodes, want %d", step, got, n)
		}
	}
	replace(u)
	replace(u)
	want("unchanged file", 1)

	other := &countingUnmarshaler{}
	replace(other)
	if other.n.Load() != 1 {
		t.Error("another MSAL cache was not filled")
	}
	replace(u)
	want("after another cache was filled", 2)

	const withToken = `{"AccessToken":{"k":{"secret":"s"}},"Account":{}}`
	writeCacheFile(t, dir, withToken) // another process wrote
	replace(u)
	replace(u)
	want("changed file", 3)

	if err := fc.Export(ctx, rawMarshaler(withToken), cache.ExportHints{}); err != nil {
		t.Fatal(err)
	}
	replace(u)
	want("after Export", 4)
	replace(u)
	want("after Export, unchanged", 4)

	restore := fc.evict("") // a forced refresh hides the access tokens
	replace(u)
	want("evicting", 5)
	restore()
	replace(u)
	want("after evicting", 6)

	markNetworked()
	replace(u)
	replace(u)
	want("after a request", 8)

	var calls int
	fu := funcUnmarshaler{f: func([]byte) error { calls++; return nil }}
	fc2 := newFileCache(Config{ConfigDir: dir})
	fc2.watchNetwork()
	for i := 0; i < 2; i++ {
		if err := fc2.Replace(ctx, fu, cache.ReplaceHints{}); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 2 {
		t.Errorf("non-comparable cache: %d decodes, want 2", calls)
	}

	// A cache no MSAL client reports its requests to (logout's) decodes
	// every time.
	unwatched := newFileCache(Config{ConfigDir: dir})
	u2 := &countingUnmarshaler{}
	for i := 0; i < 2; i++ {
		if err := unwatched.Replace(ctx, u2, cache.ReplaceHints{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := u2.n.Load(); n != 2 {
		t.Errorf("unwatched cache: %d decodes, want 2", n)
	}
}

// A file that is not a cache is reported every time, never skipped.
func TestReplaceUnreadableFileNotRemembered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "provctl")
	writeCacheFile(t, dir, `{}`)
	fc := newFileCache(Config{ConfigDir: dir})
	failing := &failingUnmarshaler{err: errors.New("not a cache")}
	for i := 0; i < 2; i++ {
		if err := fc.Replace(ctx, failing, cache.ReplaceHints{}); err == nil {
			t.Fatal("want MSAL's error for an empty document")
		}
		if fc.unreadable() == nil {
			t.Fatalf("round %d: problem not recorded", i)
		}
	}
	if got := failing.calls.Load(); got != 4 { // the file, then the empty cache, twice
		t.Errorf("%d decodes, want 4", got)
	}
}

type failingUnmarshaler struct {
	err   error
	calls atomic.Int32
}

func (u *failingUnmarshaler) Unmarshal([]byte) error { u.calls.Add(1); return u.err }

// seedSignIn writes account.json and a token cache holding a valid access
// token for host, as `provctl login` leaves them, without any authority.
func seedSignIn(t testing.TB, dir, host, secret string) Config {
	t.Helper()
	const (
		oid    = "c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13"
		tid    = "6a2de586-6d0e-4e39-a06f-39c6893e0873"
		client = DefaultClientID
	)
	env := strings.TrimPrefix(host, "https://")
	home := oid + "." + tid
	seg := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	idToken := seg(map[string]string{"alg": "none"}) + "." + seg(map[string]any{
		"oid": oid, "tid": tid, "sub": oid, "preferred_username": "adele@contoso.test",
		"iss": host + "/" + tid + "/v2.0", "aud": client, "ver": "2.0",
	}) + "."
	now := time.Now().Unix()
	scopes := []string{"https://graph.example/Synchronization.Read.All"}
	key := home + "-" + env + "-"
	doc := map[string]map[string]map[string]string{
		"AccessToken": {key + "accesstoken": {
			"home_account_id": home, "environment": env, "realm": tid, "credential_type": "AccessToken",
			"client_id": client, "secret": secret, "target": strings.Join(scopes, " "), "token_type": "Bearer",
			"cached_at": strconv.FormatInt(now, 10), "expires_on": strconv.FormatInt(now+3600, 10),
			"extended_expires_on": strconv.FormatInt(now+3600, 10),
		}},
		"RefreshToken": {key + "refreshtoken": {
			"home_account_id": home, "environment": env, "credential_type": "RefreshToken", "client_id": client, "secret": "rt-" + secret,
		}},
		"IdToken": {key + "idtoken": {
			"home_account_id": home, "environment": env, "realm": tid, "credential_type": "IdToken", "client_id": client, "secret": idToken,
		}},
		"Account": {key + tid: {
			"home_account_id": home, "environment": env, "realm": tid, "local_account_id": oid,
			"authority_type": "MSSTS", "username": "adele@contoso.test",
		}},
		"AppMetadata": {"appmetadata-" + env + "-" + client: {"client_id": client, "environment": env}},
	}
	data, _ := json.Marshal(doc)
	writeCacheFile(t, dir, string(data))
	cfg := Config{
		Tenant: tid, AuthorityHost: host, GraphURL: "https://graph.example", ConfigDir: dir,
		// Every answer is in the cache: a request is a test failure.
		HTTPClient: &http.Client{Transport: failingTransport{}},
	}
	if err := saveAccount(cfg, &Account{HomeAccountID: home, Environment: env, Username: "adele@contoso.test",
		TenantID: tid, Tenant: tid, AuthorityHost: host, ClientID: client, Scopes: scopes}); err != nil {
		t.Fatal(err)
	}
	return cfg
}

type failingTransport struct{}

func (failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("unexpected request %s %s", r.Method, r.URL)
}

// A cached sign-in answers from the file alone, and a token another
// process wrote meanwhile is seen by the next call.
func TestSilentTokenFromSeededCache(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "provctl")
	cfg := seedSignIn(t, dir, "https://login.example", "at-one")
	src, err := NewTokenSource(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		tok, err := src.Token(ctx, false)
		if err != nil || tok != "at-one" {
			t.Fatalf("round %d: token %q, %v", i, tok, err)
		}
	}
	seedSignIn(t, dir, "https://login.example", "at-two") // another process refreshed
	if tok, err := src.Token(ctx, false); err != nil || tok != "at-two" {
		t.Fatalf("after another process wrote: token %q, %v", tok, err)
	}
}

// BenchmarkSilentTokenFromCache is a signed-in command's sign-in: the
// account, the MSAL client and a cached access token, read from the files.
func BenchmarkSilentTokenFromCache(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "provctl")
	cfg := seedSignIn(b, dir, "https://login.example", "at-bench")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		src, err := NewTokenSource(cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		if tok, err := src.Token(ctx, false); err != nil || tok != "at-bench" {
			b.Fatalf("token %q, %v", tok, err)
		}
	}
}
