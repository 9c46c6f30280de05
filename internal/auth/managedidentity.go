package auth

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/managedidentity"
)

// ModeManagedIdentity signs in as the managed identity of the Azure
// resource provctl runs on (setting managed-identity, or `provctl login
// --identity`), through MSAL's apps/managedidentity.
const ModeManagedIdentity Mode = "managed-identity"

// ManagedIdentitySystem is the managed-identity setting for the
// system-assigned identity; any other value is a user-assigned identity's
// client id.
const ManagedIdentitySystem = "system"

var guidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ParseManagedIdentity checks a managed-identity value: "system" (any
// case) or a client id (a GUID). It returns the value to use ("system" in
// lower case, or the GUID as given).
func ParseManagedIdentity(v string) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case strings.EqualFold(v, ManagedIdentitySystem):
		return ManagedIdentitySystem, nil
	case guidRe.MatchString(v):
		return v, nil
	}
	return "", fmt.Errorf("%q is not a managed identity: use \"system\" for the system-assigned identity, or the client id (a GUID) of a user-assigned one", v)
}

// miSource gives app-only Graph tokens of a managed identity. MSAL keeps
// them in its in-process cache only, like every app-only token of provctl.
type miSource struct {
	cfg      Config
	id       string // "system" or a client id
	resource string // the Graph root: MSAL asks for <resource>/.default
	where    miEndpoint
	client   managedidentity.Client

	mu sync.Mutex
}

func newManagedIdentitySource(cfg Config) (*miSource, error) {
	id, err := ParseManagedIdentity(cfg.ManagedIdentity)
	if err != nil {
		return nil, &Error{Err: fmt.Errorf("managed identity: %w", err)}
	}
	where, err := managedIdentityEndpoint(cfg)
	if err != nil {
		return nil, err
	}
	client, err := newManagedIdentityClient(cfg, id)
	if err != nil {
		return nil, err
	}
	return &miSource{cfg: cfg, id: id, resource: cfg.GraphURL, where: where, client: client}, nil
}

// Token returns MSAL's cached token or a new one. refresh=true means Graph
// refused the token: MSAL skips its cache when a claims challenge is given
// (MSAL 1.10 does not send it to the App Service or IMDS endpoint), so the
// endpoint is asked for a token issued from now on.
func (s *miSource) Token(ctx context.Context, refresh bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.acquire(ctx, refresh)
	if err != nil {
		return "", err
	}
	return res.AccessToken, nil
}

func (s *miSource) acquire(ctx context.Context, refresh bool) (managedidentity.AuthResult, error) {
	var opts []managedidentity.AcquireTokenOption
	if refresh {
		opts = append(opts, managedidentity.WithClaims(fmt.Sprintf(`{"access_token":{"nbf":{"essential":true,"value":"%d"}}}`, time.Now().Unix())))
	}
	res, err := s.client.AcquireToken(ctx, s.resource, opts...)
	if err != nil {
		return res, managedIdentityError(ctx, err, s.id, s.where)
	}
	return res, nil
}

// status gets a token from the identity endpoint (fresh: past MSAL's
// process-wide cache) and describes the identity it is for.
func (s *miSource) status(ctx context.Context, fresh bool) (*StatusInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.acquire(ctx, fresh)
	if err != nil {
		return nil, err
	}
	c := jwtClaims(res.AccessToken)
	info, _ := s.cached(ctx)
	info.ClientID = firstNonEmpty(c.AppID, info.ClientID)
	info.Tenant = c.TenantID
	info.ExpiresOn = res.ExpiresOn
	return info, nil
}

// cached describes the identity from the setting alone (its tenant and a
// system-assigned identity's client id are only known from a token).
func (s *miSource) cached(context.Context) (*StatusInfo, error) {
	clientID := ""
	if s.id != ManagedIdentitySystem {
		clientID = s.id
	}
	return &StatusInfo{
		Mode:          ModeManagedIdentity,
		Cloud:         s.cfg.Cloud,
		ClientID:      clientID,
		AuthorityHost: s.cfg.AuthorityHost,
		Scopes:        appScopes(s.resource),
	}, nil
}

// ManagedIdentityLogin is what `provctl login --identity` found.
type ManagedIdentityLogin struct {
	Identity  string    // "system" or the client id asked for
	ClientID  string    // the identity's client (app) id, when the token tells
	Tenant    string    // its tenant, when the token tells
	Endpoint  string    // where the token came from, e.g. "the App Service identity endpoint (IDENTITY_ENDPOINT)"
	ExpiresOn time.Time // of the token obtained
}

// LoginManagedIdentity checks that the managed identity cfg.ManagedIdentity
// names can get a Graph token here. Nothing is written: a managed identity
// needs no stored sign-in, and the token stays in this process.
func LoginManagedIdentity(ctx context.Context, cfg Config) (*ManagedIdentityLogin, error) {
	cfg, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	s, err := newManagedIdentitySource(cfg)
	if err != nil {
		return nil, err
	}
	info, err := s.status(ctx, false)
	if err != nil {
		return nil, err
	}
	return &ManagedIdentityLogin{Identity: s.id, ClientID: info.ClientID, Tenant: info.Tenant,
		Endpoint: s.where.describe(), ExpiresOn: info.ExpiresOn}, nil
}
