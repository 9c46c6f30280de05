package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	testAppID  = "0a1b2c3d-aaaa-bbbb-cccc-000000000001"
	testSecret = "Zx9~s3cr3t-Value.For_Tests" // must never appear in an error
)

func appFake(t *testing.T) *fakeAuthority {
	fa := newFakeAuthority(t)
	fa.set(func(fa *fakeAuthority) { fa.appClientID, fa.clientSecret = testAppID, testSecret })
	return fa
}

func appConfig(t *testing.T, fa *fakeAuthority, env map[string]string) Config {
	cfg := fa.config(t, env)
	cfg.ClientID = testAppID
	return cfg
}

func TestAppOnlySecret(t *testing.T) {
	t.Parallel()
	fa := appFake(t)
	cfg := appConfig(t, fa, map[string]string{envClientSecret: testSecret})
	src, err := NewTokenSource(cfg, []string{"Synchronization.Read.All"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	first, err := src.Token(ctx, false)
	if err != nil || !strings.HasPrefix(first, "app-at-") {
		t.Fatalf("Token = %q, %v", first, err)
	}
	// App-only ignores delegated scopes: always <GraphURL>/.default.
	if s := fa.lastScope("client_credentials"); !strings.Contains(s, fakeGraphURL+"/.default") || strings.Contains(s, "Synchronization") {
		t.Errorf("scope sent = %q", s)
	}
	if again, _ := src.Token(ctx, false); again != first || fa.count("client_credentials") != 1 {
		t.Errorf("second call not cached (grants %d)", fa.count("client_credentials"))
	}
	fresh, err := src.Token(ctx, true)
	if err != nil || fresh == first || fa.count("client_credentials") != 2 {
		t.Errorf("refresh=true: %q, %v, grants %d", fresh, err, fa.count("client_credentials"))
	}
	info, err := Status(ctx, cfg)
	if err != nil || info.Mode != ModeSecret || info.ClientID != testAppID || info.Tenant != "contoso" || info.Account != "" || info.ExpiresOn.IsZero() {
		t.Errorf("status = %+v, %v", info, err)
	}
	// Nothing app-only is written to disk.
	if _, err := os.Stat(filepath.Join(cfg.ConfigDir, cacheFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Error("app-only tokens were written to the cache file")
	}
}

func TestAppOnlyWrongSecretDoesNotLeak(t *testing.T) {
	t.Parallel()
	fa := appFake(t)
	wrong := "Wr0ng~Secret.Value_" + randomString(8)
	_, err := AccessToken(testCtx(t), appConfig(t, fa, map[string]string{envClientSecret: wrong}), nil)
	wantAuthError(t, err, "invalid_client", "AADSTS7000215", "PROVCTL_CLIENT_SECRET", "HTTP 401")
	if strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), testSecret) {
		t.Errorf("error leaks the secret: %v", err)
	}
}

func TestAppOnlyNeedsAppRegistrationAndTenant(t *testing.T) {
	t.Parallel()
	fa := appFake(t)
	cfg := fa.config(t, map[string]string{envClientSecret: testSecret})
	_, err := NewTokenSource(cfg, nil) // default public client id
	wantAuthError(t, err, "PROVCTL_CLIENT_SECRET needs PROVCTL_CLIENT_ID of your app registration")
	cfg.ClientID = DefaultClientID
	_, err = NewTokenSource(cfg, nil)
	wantAuthError(t, err, "PROVCTL_CLIENT_SECRET needs PROVCTL_CLIENT_ID of your app registration")

	cfg = appConfig(t, fa, map[string]string{envClientSecret: testSecret})
	for _, tenant := range []string{"", "organizations", "common"} {
		cfg.Tenant = tenant
		_, err = NewTokenSource(cfg, nil)
		wantAuthError(t, err, "needs PROVCTL_TENANT")
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Error("leak")
	}
}

// testCert makes an RSA key and a self-signed certificate, written as one
// PEM file (certificate + PKCS#8 key) like PROVCTL_CLIENT_CERTIFICATE wants.
func testCert(t *testing.T) (path string, cert *x509.Certificate, key *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "provctl-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	pk, _ := x509.MarshalPKCS8PrivateKey(key)
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})...)
	path = filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, cert, key
}

func TestAppOnlyCertificate(t *testing.T) {
	t.Parallel()
	path, cert, _ := testCert(t)
	fa := appFake(t)
	fa.set(func(fa *fakeAuthority) { fa.certPub, fa.certDER = cert.PublicKey.(*rsa.PublicKey), cert.Raw })
	cfg := appConfig(t, fa, map[string]string{envClientCertificate: path, envClientSecret: "ignored: certificate wins"})
	if m := SelectMode(cfg); m != ModeCertificate {
		t.Fatalf("mode %s", m)
	}
	tok, err := AccessToken(testCtx(t), cfg, nil)
	if err != nil || !strings.HasPrefix(tok, "app-at-") {
		t.Fatalf("AccessToken = %q, %v", tok, err)
	}

	// The fake rejects an assertion signed by another key.
	_, other, _ := testCert(t)
	fa.set(func(fa *fakeAuthority) { fa.certPub = other.PublicKey.(*rsa.PublicKey) })
	_, err = AccessToken(testCtx(t), cfg, nil)
	wantAuthError(t, err, "invalid_client", "certificate")
	if strings.Contains(err.Error(), "eyJ") {
		t.Errorf("error leaks the assertion: %v", err)
	}

	// Unusable files name the file, not the content.
	missing := appConfig(t, fa, map[string]string{envClientCertificate: "/nonexistent/app.pem"})
	_, err = NewTokenSource(missing, nil)
	wantSettingError(t, err, envClientCertificate, "PROVCTL_CLIENT_CERTIFICATE", "/nonexistent/app.pem")
	keyOnly := filepath.Join(t.TempDir(), "key.pem")
	_ = os.WriteFile(keyOnly, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600)
	_, err = NewTokenSource(appConfig(t, fa, map[string]string{envClientCertificate: keyOnly}), nil)
	wantSettingError(t, err, envClientCertificate, keyOnly)
	if strings.Contains(err.Error(), "AAAA") {
		t.Errorf("error quotes the file: %v", err)
	}
}

func TestAppOnlyFederatedRereadsTheFile(t *testing.T) {
	t.Parallel()
	fa := appFake(t)
	const fedApp = "0a1b2c3d-aaaa-bbbb-cccc-00000000fed1"
	fa.set(func(fa *fakeAuthority) { fa.appClientID, fa.assertion = fedApp, "assertion-one" })
	file := filepath.Join(t.TempDir(), "token")
	_ = os.WriteFile(file, []byte("  assertion-one\n"), 0o600)
	// AZURE_* override PROVCTL's client id and tenant.
	cfg := appConfig(t, fa, map[string]string{envFederatedFile: file, envAzureClientID: fedApp, envAzureTenantID: "fed-tenant",
		envClientSecret: "ignored"})
	src, err := NewTokenSource(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if _, err := src.Token(ctx, false); err != nil {
		t.Fatal(err)
	}
	fa.mu.Lock()
	sawTenant := fa.tenants["fed-tenant"]
	fa.mu.Unlock()
	if !sawTenant {
		t.Error("AZURE_TENANT_ID not used")
	}
	// Rotated file: the next request presents the new assertion.
	_ = os.WriteFile(file, []byte("assertion-two"), 0o600)
	fa.set(func(fa *fakeAuthority) { fa.assertion = "assertion-two" })
	if _, err := src.Token(ctx, true); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	// A stale assertion is rejected without being repeated.
	fa.set(func(fa *fakeAuthority) { fa.assertion = "something-else" })
	_, err = src.Token(ctx, true)
	wantAuthError(t, err, "invalid_client", "AZURE_FEDERATED_TOKEN_FILE")
	if strings.Contains(err.Error(), "assertion-two") {
		t.Errorf("error leaks the assertion: %v", err)
	}
	// Empty and missing files are clear errors.
	_ = os.WriteFile(file, []byte(" \n"), 0o600)
	_, err = src.Token(ctx, true)
	wantAuthError(t, err, file, "is empty")
	_ = os.Remove(file)
	_, err = src.Token(ctx, true)
	wantAuthError(t, err, file, "cannot read")

	// Without an app id the default public client cannot be used.
	_, err = NewTokenSource(fa.config(t, map[string]string{envFederatedFile: file}), nil)
	wantAuthError(t, err, "AZURE_FEDERATED_TOKEN_FILE needs AZURE_CLIENT_ID")
}

func TestForceRegionIgnoredForCustomAuthority(t *testing.T) {
	// Not parallel: sets the process environment MSAL reads itself.
	t.Setenv("MSAL_FORCE_REGION", "westus")
	fa := appFake(t)
	if _, err := AccessToken(testCtx(t), appConfig(t, fa, map[string]string{envClientSecret: testSecret}), nil); err != nil {
		t.Fatalf("with MSAL_FORCE_REGION: %v", err)
	}
}

func TestScrub(t *testing.T) {
	t.Parallel()
	jwt := "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"
	long := strings.Repeat("A1b2-C3d4_", 8)
	in := "bad " + testSecret + " and " + jwt + " and " + long + " at /tmp/some/quite/long/path/to/the/provctl/config/dir/msal_token_cache.json"
	out := scrub(in, []string{testSecret, ""})
	for _, leak := range []string{testSecret, jwt, long, "eyJ"} {
		if strings.Contains(out, leak) {
			t.Errorf("scrub(%q) = %q keeps %q", in, out, leak)
		}
	}
	if !strings.Contains(out, "/msal_token_cache.json") {
		t.Errorf("scrub removed a path: %q", out)
	}
}
