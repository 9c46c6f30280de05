package doctor

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// jwtWith is an unsigned JWT with the given payload: claims are read
// without checking a signature.
func jwtWith(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc([]byte(payload)) + ".c2ln"
}

var knownGraphs = []string{"https://graph.microsoft.com", "https://graph.microsoft.us", "https://dod-graph.microsoft.us", "https://microsoftgraph.chinacloudapi.cn"}

func TestReadClaims(t *testing.T) {
	user, err := ReadClaims(jwtWith(`{"aud":"https://graph.microsoft.com","exp":4102444800,"nbf":1700000000,"tid":"t1","idtyp":"user","preferred_username":"adele@contoso.test","scp":"Synchronization.Read.All AuditLog.Read.All"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !user.Delegated || user.Who != "adele@contoso.test" || user.TenantID != "t1" || len(user.Scopes) != 2 || user.Expires.Year() != 2100 ||
		len(user.Audience) != 1 || len(user.Permissions()) != 2 {
		t.Errorf("user claims %+v", user)
	}
	app, err := ReadClaims(jwtWith(`{"aud":["00000003-0000-0000-c000-000000000000"],"exp":4102444800,"appid":"b5e0","roles":["Synchronization.ReadWrite.All"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if app.Delegated || app.Who != "b5e0" || len(app.Permissions()) != 1 || app.Permissions()[0] != "Synchronization.ReadWrite.All" {
		t.Errorf("app claims %+v", app)
	}
	if _, err := ReadClaims("opaque-token"); err != ErrNotJWT {
		t.Errorf("opaque token: %v", err)
	}
}

func TestAudience(t *testing.T) {
	for _, tc := range []struct {
		aud, graphURL string
		status        Status
		detail        string
	}{
		{"https://graph.microsoft.com", "https://graph.microsoft.com", OK, "for Microsoft Graph"},
		{"00000003-0000-0000-c000-000000000000", "https://graph.microsoft.us", OK, "for Microsoft Graph"},
		{"https://graph.microsoft.com/", "https://127.0.0.1:8443", OK, "which https://127.0.0.1:8443 stands for"},
		{"https://graph.microsoft.com", "https://graph.microsoft.us", Failed, "but provctl talks to https://graph.microsoft.us"},
		{"https://management.azure.com", "https://graph.microsoft.com", Failed, "not for Microsoft Graph"},
	} {
		r := AudienceResult(Claims{Audience: []string{tc.aud}}, tc.graphURL, knownGraphs, "get another")
		if r.Status != tc.status || !strings.Contains(r.Detail, tc.detail) || (r.Status == Failed) != strings.Contains(r.Fix, "get another") {
			t.Errorf("aud %s against %s: %+v", tc.aud, tc.graphURL, r)
		}
	}
}

func TestLifetime(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		c           Claims
		refreshable bool
		status      Status
		detail      string
	}{
		{"fresh", Claims{Expires: now.Add(time.Hour)}, true, OK, "(1h00m left); provctl gets a new one by itself"},
		{"expired", Claims{Expires: now.Add(-time.Minute)}, true, Failed, "expired at 2026-11-30T09:59:00Z"},
		{"static, nearly out", Claims{Expires: now.Add(5 * time.Minute)}, false, Warning, "a long --wait may outlive it"},
		{"refreshable, nearly out", Claims{Expires: now.Add(5 * time.Minute)}, true, OK, "5m left"},
		{"from the future", Claims{Expires: now.Add(2 * time.Hour), NotBefore: now.Add(time.Hour)}, true, Failed, "clock is behind"},
		{"no expiry", Claims{}, false, Warning, "no expiry"},
	} {
		r := LifetimeResult(tc.c, now, tc.refreshable, "fix")
		if r.Status != tc.status || !strings.Contains(r.Detail, tc.detail) {
			t.Errorf("%s: %+v", tc.name, r)
		}
	}
}

func TestPermissions(t *testing.T) {
	fix := func(missing []string) string { return "ask for " + strings.Join(missing, "+") }
	all := Claims{Delegated: true, Scopes: []string{"Synchronization.ReadWrite.All", "AuditLog.Read.All", "Directory.Read.All"}}
	for _, r := range PermissionResults(all, fix) {
		if r.Status != OK || r.Fix != "" {
			t.Errorf("default login: %+v", r)
		}
	}

	readOnly := Claims{Delegated: true, Scopes: []string{"https://127.0.0.1:8443/Synchronization.Read.All"}}
	got := byCheck(PermissionResults(readOnly, fix))
	if r := got["permission to read jobs and outcomes"]; r.Status != OK {
		t.Errorf("reads with a prefixed scope: %+v", r)
	}
	if r := got["permission to run and control provisioning"]; r.Status != Warning || !strings.Contains(r.Detail, "delegated permission (scp) Synchronization.ReadWrite.All") || r.Fix != "ask for Synchronization.ReadWrite.All" {
		t.Errorf("run: %+v", r)
	}
	if r := got["permission to read provisioning logs"]; r.Status != Warning || r.Fix != "ask for AuditLog.Read.All+Directory.Read.All" {
		t.Errorf("logs: %+v", r)
	}

	app := Claims{Roles: []string{"Application.ReadWrite.OwnedBy"}}
	got = byCheck(PermissionResults(app, fix))
	if r := got["permission to run and control provisioning"]; r.Status != OK || !strings.Contains(r.Detail, "Application.ReadWrite.OwnedBy") {
		t.Errorf("OwnedBy app: %+v", r)
	}
	if r := got["permission to read provisioning logs"]; !strings.Contains(r.Detail, "application permission (roles)") {
		t.Errorf("app wording: %+v", r)
	}

	none := Claims{Delegated: true, Scopes: []string{"AuditLog.Read.All"}}
	if r := byCheck(PermissionResults(none, fix))["permission to read jobs and outcomes"]; r.Status != Failed {
		t.Errorf("no sync permission at all: %+v", r)
	}
}
