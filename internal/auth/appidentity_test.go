package auth

import (
	"strings"
	"testing"
)

// TestSelectModeOrder: static > federated file > GitHub OIDC > certificate
// > secret > device code, each credential by provctl's or azidentity's
// variable; GitHub OIDC only with both ACTIONS_ID_TOKEN_* variables, a
// client id and a tenant.
func TestSelectModeOrder(t *testing.T) {
	t.Parallel()
	gh := map[string]string{envGitHubTokenURL: "https://gh.example/idtoken?api-version=2.0", envGitHubRequestToken: "rt"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name             string
		clientID, tenant string
		env              map[string]string
		want             Mode
	}{
		{"github with provctl's settings", "app", "contoso", gh, ModeGitHubOIDC},
		{"github with azidentity's ids", "", "", with(gh, envAzureClientID, "app", envAzureTenantID, "contoso"), ModeGitHubOIDC},
		{"github beats a certificate", "app", "contoso", with(gh, envClientCertificate, "c.pem"), ModeGitHubOIDC},
		{"github beats a secret", "app", "contoso", with(gh, envAzureClientSecret, "s"), ModeGitHubOIDC},
		{"a token file beats github", "app", "contoso", with(gh, envFederatedFile, "/t"), ModeFederated},
		{"a static token beats github", "app", "contoso", with(gh, envAccessToken, "tok"), ModeStatic},
		{"github without a client id", "", "contoso", gh, ModeDeviceCode},
		{"github with the default client id", DefaultClientID, "contoso", gh, ModeDeviceCode},
		{"github without a tenant", "app", "", gh, ModeDeviceCode},
		{"github with organizations", "app", "organizations", gh, ModeDeviceCode},
		{"github without a client id keeps the secret", "", "contoso", with(gh, envClientSecret, "s"), ModeSecret},
		{"github without the request token", "app", "contoso", map[string]string{envGitHubTokenURL: "https://gh.example/x"}, ModeDeviceCode},
		{"github without the URL", "app", "contoso", map[string]string{envGitHubRequestToken: "rt"}, ModeDeviceCode},
		{"azure certificate", "app", "contoso", map[string]string{envAzureClientCertificate: "c.pfx"}, ModeCertificate},
		{"azure secret", "app", "contoso", map[string]string{envAzureClientSecret: "s"}, ModeSecret},
		{"azure certificate beats provctl secret", "app", "contoso", map[string]string{envAzureClientCertificate: "c.pem", envClientSecret: "s"}, ModeCertificate},
		{"azure ids alone", "", "", map[string]string{envAzureClientID: "app", envAzureTenantID: "contoso"}, ModeDeviceCode},
		{"blank azure secret", "app", "contoso", map[string]string{envAzureClientSecret: " \n"}, ModeDeviceCode},
	} {
		cfg := Config{ClientID: tc.clientID, Tenant: tc.tenant, Env: func(k string) string { return tc.env[k] }}
		got := SelectMode(cfg)
		if got != tc.want {
			t.Errorf("%s: mode %s, want %s", tc.name, got, tc.want)
		}
		if v := ModeVariable(cfg, got); (got == ModeDeviceCode) != (v == "") || (v != "" && v != envGitHubTokenURL && tc.env[v] == "") {
			t.Errorf("%s: ModeVariable = %q", tc.name, v)
		}
	}
}

// TestResolveAppPrecedence: flag > PROVCTL_* > AZURE_* > config file >
// default, per value, with the source of each.
func TestResolveAppPrecedence(t *testing.T) {
	t.Parallel()
	type want struct{ id, idFrom, tenant, tenantFrom, host, hostFrom string }
	const cloudHost = "https://login.microsoftonline.com"
	azure := map[string]string{envClientSecret: "s", envAzureClientID: "azure-app", envAzureTenantID: "azure-tenant",
		envAzureAuthorityHost: "https://login.example.test/"}
	for _, tc := range []struct {
		name   string
		cfg    Config
		origin map[string]string // nil: Config.Origin unset
		env    map[string]string
		want   want
	}{
		{"flags win", Config{ClientID: "flag-app", Tenant: "flag-tenant", AuthorityHost: "https://flag.example"},
			map[string]string{"client-id": "--client-id", "tenant": "--tenant", "authority-host": "--authority-host"}, azure,
			want{"flag-app", "--client-id", "flag-tenant", "--tenant", "https://flag.example", "--authority-host"}},
		{"provctl's variables win", Config{ClientID: "p-app", Tenant: "p-tenant", AuthorityHost: "https://p.example"},
			map[string]string{"client-id": "PROVCTL_CLIENT_ID", "tenant": "PROVCTL_TENANT", "authority-host": "PROVCTL_AUTHORITY_HOST"}, azure,
			want{"p-app", "PROVCTL_CLIENT_ID", "p-tenant", "PROVCTL_TENANT", "https://p.example", "PROVCTL_AUTHORITY_HOST"}},
		{"azidentity's variables beat the config file", Config{ClientID: "cfg-app", Tenant: "cfg-tenant", AuthorityHost: cloudHost},
			map[string]string{"client-id": "client-id in config file /c.yaml", "tenant": "tenant in config file /c.yaml"}, azure,
			want{"azure-app", "AZURE_CLIENT_ID", "azure-tenant", "AZURE_TENANT_ID", "https://login.example.test", "AZURE_AUTHORITY_HOST"}},
		{"azidentity's variables beat the defaults", Config{ClientID: DefaultClientID, Tenant: "organizations", AuthorityHost: cloudHost},
			map[string]string{}, azure,
			want{"azure-app", "AZURE_CLIENT_ID", "azure-tenant", "AZURE_TENANT_ID", "https://login.example.test", "AZURE_AUTHORITY_HOST"}},
		{"the config file without azidentity", Config{ClientID: "cfg-app", Tenant: "cfg-tenant", AuthorityHost: cloudHost},
			map[string]string{"client-id": "client-id in config file /c.yaml", "tenant": "tenant in config file /c.yaml"}, map[string]string{envClientSecret: "s"},
			want{"cfg-app", "client-id in config file /c.yaml", "cfg-tenant", "tenant in config file /c.yaml", cloudHost, ""}},
		{"no Origin: provctl's variable recognised by its value", Config{ClientID: "p-app", Tenant: "p-tenant", AuthorityHost: cloudHost},
			nil, map[string]string{envClientSecret: "s", envClientID: "p-app", envTenant: "p-tenant", envAzureClientID: "azure-app", envAzureTenantID: "azure-tenant"},
			want{"p-app", "PROVCTL_CLIENT_ID", "p-tenant", "PROVCTL_TENANT", cloudHost, ""}},
		{"no Origin: azidentity beats an unknown source", Config{ClientID: "x-app", Tenant: "x-tenant", AuthorityHost: cloudHost},
			nil, azure,
			want{"azure-app", "AZURE_CLIENT_ID", "azure-tenant", "AZURE_TENANT_ID", "https://login.example.test", "AZURE_AUTHORITY_HOST"}},
	} {
		cfg, env := tc.cfg, tc.env
		cfg.Env = func(k string) string { return env[k] }
		if tc.origin != nil {
			origin := tc.origin
			cfg.Origin = func(k string) string { return origin[k] }
		}
		got, err := resolveApp(cfg, ModeSecret)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		have := want{got.clientID, got.sources.ClientID, got.tenant, got.sources.Tenant, got.authorityHost, got.sources.AuthorityHost}
		if have != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, have, tc.want)
		}
	}
}

func TestResolveAppErrorsNameTheFix(t *testing.T) {
	t.Parallel()
	resolve := func(cfg Config, mode Mode, env map[string]string) error {
		cfg.Env = func(k string) string { return env[k] }
		_, err := resolveApp(cfg, mode)
		return err
	}
	err := resolve(Config{Tenant: "contoso"}, ModeSecret, map[string]string{envAzureClientSecret: "s"})
	wantAuthError(t, err, "AZURE_CLIENT_SECRET needs AZURE_CLIENT_ID of your app registration (or PROVCTL_CLIENT_ID, client-id in the config file)")
	err = resolve(Config{Tenant: "contoso"}, ModeCertificate, map[string]string{envClientCertificate: "c.pem"})
	wantAuthError(t, err, "PROVCTL_CLIENT_CERTIFICATE needs PROVCTL_CLIENT_ID of your app registration (or AZURE_CLIENT_ID, client-id in the config file)")
	err = resolve(Config{ClientID: "app", Tenant: "common"}, ModeSecret, map[string]string{envAzureClientSecret: "s"})
	wantAuthError(t, err, "AZURE_CLIENT_SECRET needs AZURE_TENANT_ID", "(or PROVCTL_TENANT, --tenant", `cannot use "common"`)
	for _, bad := range []string{"http://login.example.test", "https://login.example.test/tenant", "login.example.test"} {
		err = resolve(Config{ClientID: "app", Tenant: "contoso"}, ModeSecret, map[string]string{envClientSecret: "s", envAzureAuthorityHost: bad})
		wantAuthError(t, err, "AZURE_AUTHORITY_HOST", bad, "https URL without a path")
	}
}

func TestSourcesText(t *testing.T) {
	t.Parallel()
	var none *Sources
	if none.Text() != "" || (&Sources{}).Text() != "" {
		t.Error("empty sources give text")
	}
	s := &Sources{ClientID: "AZURE_CLIENT_ID", Tenant: "--tenant", Credential: "AZURE_CLIENT_SECRET"}
	if got := s.Text(); got != "client id from AZURE_CLIENT_ID, tenant from --tenant, credential from AZURE_CLIENT_SECRET" {
		t.Errorf("Text = %q", got)
	}
}

// TestAzureVariablesSignIn: AZURE_CLIENT_ID, AZURE_TENANT_ID,
// AZURE_CLIENT_SECRET and AZURE_AUTHORITY_HOST alone sign in app-only, and
// status says where each value came from, never the secret.
func TestAzureVariablesSignIn(t *testing.T) {
	t.Parallel()
	fa := appFake(t)
	cfg := fa.config(t, map[string]string{envAzureClientID: testAppID, envAzureTenantID: "azure-tenant",
		envAzureClientSecret: testSecret, envAzureAuthorityHost: fa.srv.URL + "/"})
	cfg.Tenant, cfg.AuthorityHost = "", "https://login.microsoftonline.com"
	if m := SelectMode(cfg); m != ModeSecret {
		t.Fatalf("mode %s", m)
	}
	info, err := Status(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := Sources{ClientID: "AZURE_CLIENT_ID", Tenant: "AZURE_TENANT_ID", Credential: "AZURE_CLIENT_SECRET", AuthorityHost: "AZURE_AUTHORITY_HOST"}
	if info.Sources == nil || *info.Sources != want || info.ClientID != testAppID || info.Tenant != "azure-tenant" ||
		info.AuthorityHost != fa.srv.URL || info.Cloud != "custom" {
		t.Errorf("status = %+v, sources %+v", info, info.Sources)
	}
	fa.mu.Lock()
	sawTenant := fa.tenants["azure-tenant"]
	fa.mu.Unlock()
	if !sawTenant {
		t.Error("AZURE_TENANT_ID not used")
	}
	if strings.Contains(info.Sources.Text(), testSecret) {
		t.Error("status shows the secret")
	}

	// PROVCTL_CLIENT_SECRET wins over AZURE_CLIENT_SECRET; a wrong one is named.
	cfg.Env = func(k string) string {
		return map[string]string{envAzureClientID: testAppID, envAzureTenantID: "azure-tenant", envAzureClientSecret: testSecret,
			envClientSecret: "Wr0ng~provctl-secret", envAzureAuthorityHost: fa.srv.URL}[k]
	}
	_, err = AccessToken(testCtx(t), cfg, nil)
	wantAuthError(t, err, "secret, PROVCTL_CLIENT_SECRET", "AADSTS7000215")
	if strings.Contains(err.Error(), "Wr0ng~provctl-secret") || strings.Contains(err.Error(), testSecret) {
		t.Errorf("error leaks a secret: %v", err)
	}
}
