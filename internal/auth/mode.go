package auth

// Mode is how provctl signs in (design.md §7).
type Mode string

// Sign-in modes, in the order SelectMode tries them.
const (
	ModeStatic      Mode = "static"      // PROVCTL_ACCESS_TOKEN as is
	ModeFederated   Mode = "federated"   // AZURE_FEDERATED_TOKEN_FILE assertion
	ModeGitHubOIDC  Mode = "github-oidc" // GitHub Actions' OIDC token, requested by provctl
	ModeCertificate Mode = "certificate" // PROVCTL_CLIENT_CERTIFICATE or AZURE_CLIENT_CERTIFICATE_PATH
	ModeSecret      Mode = "secret"      // PROVCTL_CLIENT_SECRET or AZURE_CLIENT_SECRET
	ModeDeviceCode  Mode = "device-code" // public client, cached `provctl login`
)

// Environment variables that select a mode or feed an app-only one. Where
// provctl and azidentity both name a value, provctl's variable wins.
const (
	envAccessToken                    = "PROVCTL_ACCESS_TOKEN"
	envFederatedFile                  = "AZURE_FEDERATED_TOKEN_FILE"
	envGitHubTokenURL                 = "ACTIONS_ID_TOKEN_REQUEST_URL"
	envGitHubRequestToken             = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
	envClientCertificate              = "PROVCTL_CLIENT_CERTIFICATE"
	envAzureClientCertificate         = "AZURE_CLIENT_CERTIFICATE_PATH"
	envClientCertificatePassword      = "PROVCTL_CLIENT_CERTIFICATE_PASSWORD"
	envAzureClientCertificatePassword = "AZURE_CLIENT_CERTIFICATE_PASSWORD"
	envClientSecret                   = "PROVCTL_CLIENT_SECRET"
	envAzureClientSecret              = "AZURE_CLIENT_SECRET"
	envClientID                       = "PROVCTL_CLIENT_ID"
	envAzureClientID                  = "AZURE_CLIENT_ID"
	envTenant                         = "PROVCTL_TENANT"
	envAzureTenantID                  = "AZURE_TENANT_ID"
	envAuthorityHost                  = "PROVCTL_AUTHORITY_HOST"
	envAzureAuthorityHost             = "AZURE_AUTHORITY_HOST"
)

// SelectMode returns the sign-in mode cfg asks for, the first of: static
// token, federated token file, GitHub Actions OIDC (both ACTIONS_ID_TOKEN_*
// variables, plus a client id and a tenant), certificate, client secret,
// managed identity (Config.ManagedIdentity), else the public client. Blank
// values count as unset.
func SelectMode(cfg Config) Mode {
	switch {
	case cfg.env(envAccessToken) != "":
		return ModeStatic
	case cfg.env(envFederatedFile) != "":
		return ModeFederated
	case githubOIDCOffered(cfg):
		return ModeGitHubOIDC
	case firstVar(cfg, envClientCertificate, envAzureClientCertificate) != "":
		return ModeCertificate
	case firstVar(cfg, envClientSecret, envAzureClientSecret) != "":
		return ModeSecret
	case cfg.ManagedIdentity != "":
		return ModeManagedIdentity
	default:
		return ModeDeviceCode
	}
}

// githubOIDCOffered: the job may request an OIDC token (it has `permissions:
// id-token: write`) and an app registration and tenant are named. Without
// them a job that happens to allow OIDC keeps its other sign-in.
func githubOIDCOffered(cfg Config) bool {
	if cfg.env(envGitHubTokenURL) == "" || cfg.env(envGitHubRequestToken) == "" {
		return false
	}
	id, _ := appClientID(cfg)
	tenant, _ := appTenant(cfg)
	return isAppClientID(id) && isConcreteTenant(tenant)
}

// firstVar returns the name of the first of the variables that is set, or "".
func firstVar(cfg Config, names ...string) string {
	for _, n := range names {
		if cfg.env(n) != "" {
			return n
		}
	}
	return ""
}

// modeVariable names the variable that selects an app-only mode, in
// provctl's spelling (credentialVariable names the one actually set).
func modeVariable(mode Mode) string {
	switch mode {
	case ModeFederated:
		return envFederatedFile
	case ModeGitHubOIDC:
		return envGitHubTokenURL
	case ModeCertificate:
		return envClientCertificate
	default:
		return envClientSecret
	}
}

// ModeVariable names the variable that selected mode under cfg, as the
// user set it ("AZURE_CLIENT_SECRET" when only azidentity's name is set),
// for messages such as "… is set: other commands keep using it"; "" for
// modes no variable of this file selects.
func ModeVariable(cfg Config, mode Mode) string {
	switch mode {
	case ModeStatic:
		return envAccessToken
	case ModeFederated, ModeGitHubOIDC, ModeCertificate, ModeSecret:
		return credentialVariable(cfg, mode)
	}
	return ""
}

// credentialVariable names the variable that holds the credential of an
// app-only mode: provctl's when set, else azidentity's.
func credentialVariable(cfg Config, mode Mode) string {
	switch mode {
	case ModeCertificate:
		return firstVar(cfg, envClientCertificate, envAzureClientCertificate)
	case ModeSecret:
		return firstVar(cfg, envClientSecret, envAzureClientSecret)
	default:
		return modeVariable(mode)
	}
}

func tenantOrDefault(t string) string {
	if t == "" {
		return defaultTenant
	}
	return t
}
