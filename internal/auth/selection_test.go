package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSelectMode(t *testing.T) {
	t.Parallel()
	vars := []string{envAccessToken, envFederatedFile, envClientCertificate, envClientSecret}
	order := []Mode{ModeStatic, ModeFederated, ModeCertificate, ModeSecret}
	// Every combination of the four variables: the first set one wins.
	for mask := 0; mask < 1<<len(vars); mask++ {
		env := map[string]string{}
		want := ModeDeviceCode
		for i := len(vars) - 1; i >= 0; i-- {
			if mask&(1<<i) != 0 {
				env[vars[i]] = "x"
				want = order[i]
			}
		}
		if got := SelectMode(Config{Env: func(k string) string { return env[k] }}); got != want {
			t.Errorf("env %v: mode %s, want %s", env, got, want)
		}
	}
	// Blank values and AZURE_CLIENT_ID alone select nothing; nil Env is empty.
	blank := map[string]string{envAccessToken: "  ", envClientSecret: "\n", envAzureClientID: "x", envAzureTenantID: "y"}
	if got := SelectMode(Config{Env: func(k string) string { return blank[k] }}); got != ModeDeviceCode {
		t.Errorf("blank values: %s", got)
	}
	if got := SelectMode(Config{}); got != ModeDeviceCode {
		t.Errorf("nil Env: %s", got)
	}
}

func TestLookupCloud(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, graph, login string }{
		{"", "https://graph.microsoft.com", "https://login.microsoftonline.com"},
		{"global", "https://graph.microsoft.com", "https://login.microsoftonline.com"},
		{"GLOBAL", "https://graph.microsoft.com", "https://login.microsoftonline.com"},
		{"usgov", "https://graph.microsoft.us", "https://login.microsoftonline.us"},
		{"usgovdod", "https://dod-graph.microsoft.us", "https://login.microsoftonline.us"},
		{"china", "https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn"},
	} {
		c, err := LookupCloud(tc.name)
		if err != nil || c.GraphURL != tc.graph || c.AuthorityHost != tc.login {
			t.Errorf("LookupCloud(%q) = %+v, %v", tc.name, c, err)
		}
	}
	_, err := LookupCloud("germany")
	if err == nil || !strings.Contains(err.Error(), "global, usgov, usgovdod, china") {
		t.Errorf("unknown cloud: %v", err)
	}
	// Config resolution fills hosts from the cloud and names custom hosts.
	cfg, err := Config{Cloud: "usgovdod"}.resolve()
	if err != nil || cfg.GraphURL != "https://dod-graph.microsoft.us" || cfg.AuthorityHost != "https://login.microsoftonline.us" {
		t.Errorf("resolve usgovdod: %+v %v", cfg, err)
	}
	cfg, _ = Config{AuthorityHost: "https://127.0.0.1:8443/", GraphURL: "https://127.0.0.1:8443"}.resolve()
	if cfg.Cloud != "custom" || cfg.AuthorityHost != "https://127.0.0.1:8443" {
		t.Errorf("resolve custom: %+v", cfg)
	}
	cfg, _ = Config{Cloud: "global", AuthorityHost: "https://127.0.0.1:8443", GraphURL: "https://127.0.0.1:8443"}.resolve()
	if cfg.Cloud != "custom" {
		t.Errorf("global with overridden hosts reported as %q", cfg.Cloud)
	}
	cfg, _ = Config{Cloud: "usgov", AuthorityHost: "https://login.microsoftonline.us", GraphURL: "https://dod-graph.microsoft.us"}.resolve()
	if cfg.Cloud != "usgovdod" {
		t.Errorf("dod hosts reported as %q", cfg.Cloud)
	}
	if _, err := NewTokenSource(Config{Cloud: "mars"}, nil); err == nil {
		t.Error("unknown cloud accepted")
	}
}

func TestMicrosoftAuthority(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"https://login.microsoftonline.com":      true,
		"https://LOGIN.microsoftonline.us":       true,
		"https://login.chinacloudapi.cn":         true,
		"https://login.microsoftonline.com:8443": false,
		"http://login.microsoftonline.com":       false,
		"https://127.0.0.1:8443":                 false,
		"https://login.microsoftonline.com.evil": false,
	} {
		if got := isMicrosoftAuthority(host); got != want {
			t.Errorf("isMicrosoftAuthority(%q) = %v", host, got)
		}
	}
}

func TestDelegatedScopes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		graph string
		in    []string
		want  []string
	}{
		{"https://graph.microsoft.com", nil, DefaultScopes()},
		{"https://graph.microsoft.com/", []string{"Synchronization.Read.All", " ", "synchronization.read.all"}, []string{"Synchronization.Read.All"}},
		{"https://graph.microsoft.us", []string{"AuditLog.Read.All", "offline_access", "https://graph.microsoft.us/User.Read"},
			[]string{"https://graph.microsoft.us/AuditLog.Read.All", "offline_access", "https://graph.microsoft.us/User.Read"}},
		{"https://127.0.0.1:8443", []string{"Directory.Read.All"}, []string{"https://127.0.0.1:8443/Directory.Read.All"}},
	} {
		if got := delegatedScopes(tc.graph, tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("delegatedScopes(%q, %q) = %q, want %q", tc.graph, tc.in, got, tc.want)
		}
	}
	if got := appScopes("https://dod-graph.microsoft.us/"); !reflect.DeepEqual(got, []string{"https://dod-graph.microsoft.us/.default"}) {
		t.Errorf("appScopes = %q", got)
	}
}

func TestAuthorityURLValidation(t *testing.T) {
	t.Parallel()
	if u, err := authorityURL("https://login.microsoftonline.com", "contoso.onmicrosoft.com"); err != nil || u != "https://login.microsoftonline.com/contoso.onmicrosoft.com" {
		t.Errorf("authorityURL = %q, %v", u, err)
	}
	for _, bad := range [][2]string{{"http://127.0.0.1:1", "t"}, {"https://h/x", "t"}, {"login.microsoftonline.com", "t"}, {"https://h", "a/b"}, {"https://h", ""}} {
		if _, err := authorityURL(bad[0], bad[1]); err == nil {
			t.Errorf("authorityURL(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

func TestStaticToken(t *testing.T) {
	t.Parallel()
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"exp":2000000000,"upn":"megan@contoso.test","tid":"t1","appid":"a1","scp":"Synchronization.Read.All User.Read"}`))
	tok := "eyJhbGciOiJub25lIn0." + payload + ".sig"
	cfg := Config{Env: func(k string) string {
		if k == envAccessToken {
			return tok + "\n"
		}
		return "secret-that-loses"
	}}
	src, err := NewTokenSource(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := src.Token(context.Background(), false); err != nil || got != tok {
		t.Errorf("Token = %q, %v", got, err)
	}
	_, err = src.Token(context.Background(), true)
	wantAuthError(t, err, "PROVCTL_ACCESS_TOKEN was refused")
	if strings.Contains(err.Error(), tok) {
		t.Error("leak")
	}
	info, err := Status(context.Background(), cfg)
	if err != nil || info.Mode != ModeStatic || info.Account != "megan@contoso.test" || info.Tenant != "t1" || info.ClientID != "a1" ||
		!info.ExpiresOn.Equal(time.Unix(2000000000, 0)) || len(info.Scopes) != 2 || info.Cloud != "global" {
		t.Errorf("static status = %+v, %v", info, err)
	}
	// An opaque token has no claims; status still works.
	opaque := Config{Env: func(k string) string { return map[string]string{envAccessToken: "opaque"}[k] }}
	if info, err := Status(context.Background(), opaque); err != nil || !info.ExpiresOn.IsZero() || info.Scopes == nil {
		t.Errorf("opaque status = %+v, %v", info, err)
	}
}

func TestErrNotSignedInMatching(t *testing.T) {
	t.Parallel()
	err := error(notSignedIn("custom text"))
	if !errors.Is(err, ErrNotSignedIn) || err.Error() != "custom text" {
		t.Errorf("notSignedIn: %v", err)
	}
}
