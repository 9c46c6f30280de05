package auth

import (
	"strings"
	"time"
)

// Target is where the selected sign-in mode asks for its tokens: the
// authority host and tenant it really uses, which for app-only modes may
// come from azidentity's AZURE_AUTHORITY_HOST and AZURE_TENANT_ID rather
// than from the settings cmd resolved (resolveApp), and the cloud those
// hosts make.
type Target struct {
	Mode          Mode
	AuthorityHost string
	Tenant        string
	Cloud         string // "global", …, or "custom" (the emulator, a proxy)
	// AuthoritySource and TenantSource name azidentity's variable when the
	// value came from it; "" when it is the setting cmd resolved.
	AuthoritySource string
	TenantSource    string
}

// ResolveTarget says where the sign-in cfg selects asks for tokens,
// without any request. An app-only mode whose settings cannot work gives
// its error (the same as the sign-in's) and the settings' values.
func ResolveTarget(cfg Config) (Target, error) {
	cfg, err := cfg.resolve()
	if err != nil {
		return Target{}, err
	}
	mode := SelectMode(cfg)
	t := Target{Mode: mode, AuthorityHost: cfg.AuthorityHost, Tenant: cfg.Tenant, Cloud: cfg.Cloud}
	switch mode {
	case ModeFederated, ModeGitHubOIDC, ModeCertificate, ModeSecret:
		id, err := resolveApp(cfg, mode)
		if err != nil {
			return t, err
		}
		t.Tenant = id.tenant
		if id.sources.Tenant == envAzureTenantID {
			t.TenantSource = envAzureTenantID
		}
		if id.sources.AuthorityHost == envAzureAuthorityHost {
			t.AuthoritySource = envAzureAuthorityHost
			t.AuthorityHost = id.authorityHost
			t.Cloud = cloudName(t.AuthorityHost, cfg.GraphURL)
		}
	}
	return t, nil
}

// CloudName names the cloud whose hosts these are, or "custom", as `auth
// status` shows it.
func CloudName(authorityHost, graphURL string) string {
	return cloudName(strings.TrimRight(authorityHost, "/"), strings.TrimRight(graphURL, "/"))
}

// RefreshGrace is how long a token request already sent in mode may
// outlive its caller's context: a refresh of the cached sign-in of
// `provctl login` finishes and is saved (grace.go), or the rotated refresh
// token would be lost. Other modes keep their tokens in memory: none.
// A caller that promises a bound gives the authority the bound less this.
func RefreshGrace(mode Mode) time.Duration {
	if mode == ModeDeviceCode {
		return redeemGrace
	}
	return 0
}
