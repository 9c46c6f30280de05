package auth

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// login signs in against the fake, collecting the prompt.
func login(t *testing.T, cfg Config) (*Account, DeviceCode) {
	t.Helper()
	var got DeviceCode
	acct, err := Login(testCtx(t), cfg, nil, func(dc DeviceCode) { got = dc })
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	return acct, got
}

func token(t *testing.T, cfg Config, refresh bool) string {
	t.Helper()
	src, err := NewTokenSource(cfg, nil)
	if err != nil {
		t.Fatalf("NewTokenSource: %v", err)
	}
	tok, err := src.Token(testCtx(t), refresh)
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	return tok
}

// cacheDoc reads the cache file as generic JSON, failing on invalid JSON.
func cacheDoc(t *testing.T, cfg Config) map[string]map[string]map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(cfg.ConfigDir, cacheFileName))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("cache is not valid JSON: %v\n%s", err, data)
	}
	return doc
}

// expireAccessTokens rewrites expires_on of every cached access token to a
// minute from now: inside MSAL's 5-minute margin, so it must refresh.
func expireAccessTokens(t *testing.T, cfg Config) {
	t.Helper()
	path := filepath.Join(cfg.ConfigDir, cacheFileName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var ats map[string]map[string]any
	if err := json.Unmarshal(doc["AccessToken"], &ats); err != nil || len(ats) == 0 {
		t.Fatalf("no access tokens in cache: %v", err)
	}
	soon := strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10)
	for _, at := range ats {
		at["expires_on"] = soon
	}
	doc["AccessToken"], _ = json.Marshal(ats)
	out, _ := json.Marshal(doc)
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

// warnings collects Config.Warn messages.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) add(m string) { w.mu.Lock(); w.msgs = append(w.msgs, m); w.mu.Unlock() }
func (w *warnings) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.msgs, "\n")
}

// wantAuthError asserts err is an *Error whose text has every want.
func wantAuthError(t *testing.T, err error, wants ...string) *Error {
	t.Helper()
	var ae *Error
	if !errors.As(err, &ae) {
		t.Fatalf("want *auth.Error, got %T: %v", err, err)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	return ae
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}
