package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/managedidentity"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// authorityURL is AuthorityHost + "/" + tenant, checked the way MSAL will
// (https only, a tenant path segment) so the user gets our message.
func authorityURL(host, tenant string) (string, error) {
	u, err := url.Parse(host)
	if err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return "", &Error{Err: fmt.Errorf("the authority host %q must be an https URL without a path, e.g. https://login.microsoftonline.com (PROVCTL_AUTHORITY_HOST)", host)}
	}
	if tenant == "" || strings.ContainsAny(tenant, "/?#%\\ \t") {
		return "", &Error{Err: fmt.Errorf("invalid tenant %q: use a tenant id, a domain or \"organizations\"", tenant)}
	}
	return strings.TrimRight(host, "/") + "/" + tenant, nil
}

// newPublicClient builds an MSAL public client for the cached sign-in.
func newPublicClient(cfg Config, clientID, tenant string, c cache.ExportReplace) (public.Client, error) {
	authority, err := authorityURL(cfg.AuthorityHost, tenant)
	if err != nil {
		return public.Client{}, err
	}
	opts := []public.Option{public.WithAuthority(authority), public.WithCache(c)}
	if !isMicrosoftAuthority(cfg.AuthorityHost) {
		// Otherwise MSAL asks login.microsoftonline.com to vouch for the host.
		opts = append(opts, public.WithInstanceDiscovery(false))
	}
	base := cfg.HTTPClient
	if base == nil {
		base = http.DefaultClient // what MSAL would use
	}
	gated := gatedClient{base: base}
	if fc, ok := c.(*fileCache); ok {
		gated.sent = fc.watchNetwork() // a token from the network may change MSAL's cache
	}
	opts = append(opts, public.WithHTTPClient(gated))
	pc, err := public.New(clientID, opts...)
	if err != nil {
		return public.Client{}, &Error{Err: fmt.Errorf("setting up sign-in: %s", oneLine(err.Error()))}
	}
	return pc, nil
}

// newConfidentialClient builds an MSAL confidential client for app-only
// sign-in.
func newConfidentialClient(cfg Config, clientID, tenant string, cred confidential.Credential, c cache.ExportReplace) (confidential.Client, error) {
	authority, err := authorityURL(cfg.AuthorityHost, tenant)
	if err != nil {
		return confidential.Client{}, err
	}
	opts := []confidential.Option{confidential.WithCache(c)}
	if !isMicrosoftAuthority(cfg.AuthorityHost) {
		// MSAL_FORCE_REGION would turn a custom host into
		// <region>.<host>, which cannot exist; for Microsoft hosts the
		// variable keeps its documented meaning.
		opts = append(opts, confidential.WithInstanceDiscovery(false), confidential.WithAzureRegion("DisableMsalForceRegion"))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, confidential.WithHTTPClient(cfg.HTTPClient))
	}
	cc, err := confidential.New(authority, clientID, cred, opts...)
	if err != nil {
		return confidential.Client{}, &Error{Err: fmt.Errorf("setting up app-only sign-in: %s", oneLine(err.Error()))}
	}
	return cc, nil
}

// newManagedIdentityClient builds an MSAL managed identity client for
// "system" or a user-assigned identity's client id, on provctl's HTTP
// client (CA file, --debug trace, redirect policy).
func newManagedIdentityClient(cfg Config, id string) (managedidentity.Client, error) {
	mid := managedidentity.SystemAssigned()
	if id != ManagedIdentitySystem {
		mid = managedidentity.UserAssignedClientID(id)
	}
	var opts []managedidentity.ClientOption
	if cfg.HTTPClient != nil {
		opts = append(opts, managedidentity.WithHTTPClient(cfg.HTTPClient))
	}
	c, err := managedidentity.New(mid, opts...)
	if err != nil {
		return managedidentity.Client{}, &Error{Err: fmt.Errorf("setting up managed identity sign-in (%s): %s", identityName(id), oneLine(err.Error()))}
	}
	return c, nil
}
