package auth

import (
	"fmt"
	"net/url"
	"strings"
)

// appIdentity is what an app-only sign-in signs in as, and where each
// value came from (for `auth status`; never a secret's value).
type appIdentity struct {
	clientID      string
	tenant        string
	authorityHost string
	sources       Sources // ClientID, Tenant and AuthorityHost filled here
}

// resolveApp picks the client id, tenant and authority host of an app-only
// mode. The azidentity variables (AZURE_CLIENT_ID, AZURE_TENANT_ID,
// AZURE_AUTHORITY_HOST) stand beside provctl's settings as environment
// variables: a flag or a PROVCTL_* variable wins over them, and they win
// over the config file and the defaults (design.md §6: flag > environment
// > config file > default).
func resolveApp(cfg Config, mode Mode) (appIdentity, error) {
	credVar := credentialVariable(cfg, mode)
	id, idFrom := appClientID(cfg)
	tenant, tenantFrom := appTenant(cfg)
	host, hostFrom := pick(cfg, "authority-host", cfg.AuthorityHost, envAuthorityHost, envAzureAuthorityHost, func(string) bool { return true })
	// The default public client has no credentials; an app-only sign-in
	// with it can only fail at the authority, with a less helpful message.
	if !isAppClientID(id) {
		first, others := alternatives(credVar, envClientID, envAzureClientID, "client-id in the config file")
		return appIdentity{}, &Error{Err: fmt.Errorf("%s needs %s of your app registration (or %s)", credVar, first, others)}
	}
	if !isConcreteTenant(tenant) {
		first, others := alternatives(credVar, envTenant, envAzureTenantID, "--tenant")
		return appIdentity{}, &Error{Err: fmt.Errorf("%s needs %s: your tenant id or domain (or %s; app-only sign-in cannot use %q)",
			credVar, first, others, tenantOrDefault(tenant))}
	}
	if hostFrom == envAzureAuthorityHost {
		h, err := checkAuthorityHost(host)
		if err != nil {
			return appIdentity{}, err
		}
		host = h
	}
	return appIdentity{clientID: id, tenant: tenant, authorityHost: host,
		sources: Sources{ClientID: idFrom, Tenant: tenantFrom, AuthorityHost: hostFrom}}, nil
}

// appClientID and appTenant are the client id and tenant an app-only mode
// uses, and their sources.
func appClientID(cfg Config) (string, string) {
	return pick(cfg, "client-id", cfg.ClientID, envClientID, envAzureClientID, func(v string) bool { return v == "" || v == DefaultClientID })
}

func appTenant(cfg Config) (string, string) {
	return pick(cfg, "tenant", cfg.Tenant, envTenant, envAzureTenantID, func(v string) bool { return v == "" || v == defaultTenant })
}

// isAppClientID: an app registration's id, not the default public client.
func isAppClientID(id string) bool { return id != "" && id != DefaultClientID }

// isConcreteTenant: client credentials need a tenant; there is no
// "organizations" app-only token.
func isConcreteTenant(t string) bool {
	switch strings.ToLower(t) {
	case "", "organizations", "common", "consumers":
		return false
	}
	return true
}

// pick returns a setting's value and source: the value cmd resolved when it
// came from a flag or provctl's variable, else azidentity's variable when
// set, else the value cmd resolved (config file or default). isDefault says
// which values are provctl's own defaults (their source is "").
func pick(cfg Config, key, value, ownVar, azureVar string, isDefault func(string) bool) (string, string) {
	from := cfg.origin(key, value, ownVar)
	if strings.HasPrefix(from, "--") || strings.HasPrefix(from, "PROVCTL_") {
		return value, from
	}
	if v := cfg.env(azureVar); v != "" {
		return v, azureVar
	}
	if from == "" && isDefault(value) {
		return value, ""
	}
	return value, from
}

// origin says where cmd got a setting ("--tenant", "PROVCTL_TENANT",
// "tenant in config file …"), "" for a default. Without cmd's word
// (Config.Origin nil), a value equal to provctl's variable came from it.
func (c Config) origin(key, value, ownVar string) string {
	if c.Origin != nil {
		return c.Origin(key)
	}
	if v := c.env(ownVar); v != "" && v == value {
		return ownVar
	}
	return ""
}

// alternatives names where a value can be given: the variable of the
// credential's family first (AZURE_CLIENT_ID for AZURE_CLIENT_SECRET), then
// the other variable and elsewhere (a flag, the config file).
func alternatives(credVar, ownVar, azureVar, elsewhere string) (first, others string) {
	if strings.HasPrefix(credVar, "AZURE_") {
		return azureVar, ownVar + ", " + elsewhere
	}
	return ownVar, azureVar + ", " + elsewhere
}

// checkAuthorityHost validates AZURE_AUTHORITY_HOST as azidentity takes it
// (a trailing slash allowed) and returns it without the slash.
func checkAuthorityHost(raw string) (string, error) {
	h := strings.TrimRight(raw, "/")
	u, err := url.Parse(h)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", &Error{Err: fmt.Errorf("%s %q must be an https URL without a path, e.g. https://login.microsoftonline.com (or set PROVCTL_AUTHORITY_HOST, which wins)", envAzureAuthorityHost, raw)}
	}
	return h, nil
}
