package auth

import "fmt"

// Mode is how provctl signs in (design.md §7).
type Mode string

// Sign-in modes, in the order SelectMode tries them.
const (
	ModeStatic      Mode = "static"      // PROVCTL_ACCESS_TOKEN as is
	ModeFederated   Mode = "federated"   // AZURE_FEDERATED_TOKEN_FILE assertion
	ModeCertificate Mode = "certificate" // PROVCTL_CLIENT_CERTIFICATE
	ModeSecret      Mode = "secret"      // PROVCTL_CLIENT_SECRET
	ModeDeviceCode  Mode = "device-code" // public client, cached `provctl login`
)

// Environment variables that select a mode.
const (
	envAccessToken       = "PROVCTL_ACCESS_TOKEN"
	envFederatedFile     = "AZURE_FEDERATED_TOKEN_FILE"
	envAzureClientID     = "AZURE_CLIENT_ID"
	envAzureTenantID     = "AZURE_TENANT_ID"
	envClientCertificate = "PROVCTL_CLIENT_CERTIFICATE"
	envClientSecret      = "PROVCTL_CLIENT_SECRET"
)

// SelectMode returns the sign-in mode cfg.Env asks for: static token, then
// federated token file, certificate, client secret, else the public client.
// Blank values count as unset.
func SelectMode(cfg Config) Mode {
	switch {
	case cfg.env(envAccessToken) != "":
		return ModeStatic
	case cfg.env(envFederatedFile) != "":
		return ModeFederated
	case cfg.env(envClientCertificate) != "":
		return ModeCertificate
	case cfg.env(envClientSecret) != "":
		return ModeSecret
	default:
		return ModeDeviceCode
	}
}

// appIdentity returns the client id and tenant for an app-only mode. The
// azidentity variables AZURE_CLIENT_ID/AZURE_TENANT_ID win in federated mode
// because the workload-identity webhook injects exactly those.
func appIdentity(cfg Config, mode Mode) (clientID, tenant string, err error) {
	clientID, tenant = cfg.ClientID, cfg.Tenant
	idVar := "PROVCTL_CLIENT_ID"
	tenantVar := "PROVCTL_TENANT"
	if mode == ModeFederated {
		if v := cfg.env(envAzureClientID); v != "" {
			clientID = v
		}
		if v := cfg.env(envAzureTenantID); v != "" {
			tenant = v
		}
		idVar, tenantVar = "AZURE_CLIENT_ID (or PROVCTL_CLIENT_ID)", "AZURE_TENANT_ID (or PROVCTL_TENANT)"
	}
	// The default public client has no credentials; an app-only sign-in
	// with it can only fail at the authority, with a less helpful message.
	if clientID == "" || clientID == DefaultClientID {
		return "", "", &Error{Err: fmt.Errorf("%s needs %s of your app registration", modeVariable(mode), idVar)}
	}
	// Client credentials need a concrete tenant: there is no "organizations"
	// app-only token.
	switch tenant {
	case "", "organizations", "common", "consumers":
		return "", "", &Error{Err: fmt.Errorf("%s needs %s: your tenant id or domain (app-only sign-in cannot use %q)", modeVariable(mode), tenantVar, tenantOrDefault(tenant))}
	}
	return clientID, tenant, nil
}

// modeVariable names the variable that selected an app-only mode.
func modeVariable(mode Mode) string {
	switch mode {
	case ModeFederated:
		return envFederatedFile
	case ModeCertificate:
		return envClientCertificate
	default:
		return envClientSecret
	}
}

func tenantOrDefault(t string) string {
	if t == "" {
		return defaultTenant
	}
	return t
}
