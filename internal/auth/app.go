package auth

import (
	"context"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// appSource gives app-only tokens (client credentials) for
// <GraphURL>/.default, whatever delegated scopes were asked for: an app's
// permissions are the application permissions granted to it.
type appSource struct {
	cfg      Config
	mode     Mode
	clientID string
	tenant   string
	scopes   []string
	client   confidential.Client
	cache    *memCache
	secrets  func() []string

	mu   sync.Mutex
	last string
}

func newAppSource(cfg Config, mode Mode) (*appSource, error) {
	clientID, tenant, err := appIdentity(cfg, mode)
	if err != nil {
		return nil, err
	}
	cred, secrets, err := appCredential(cfg, mode)
	if err != nil {
		return nil, err
	}
	mc := &memCache{}
	client, err := newConfidentialClient(cfg, clientID, tenant, cred, mc)
	if err != nil {
		return nil, err
	}
	return &appSource{cfg: cfg, mode: mode, clientID: clientID, tenant: tenant,
		scopes: appScopes(cfg.GraphURL), client: client, cache: mc, secrets: secrets}, nil
}

// Token returns the cached app token or a new one; refresh=true evicts the
// refused token so the credential is presented again.
func (s *appSource) Token(ctx context.Context, refresh bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.acquire(ctx, refresh)
	if err != nil {
		return "", err
	}
	return res.AccessToken, nil
}

func (s *appSource) acquire(ctx context.Context, refresh bool) (confidential.AuthResult, error) {
	if refresh {
		defer s.cache.evict(s.last)()
	}
	res, err := s.client.AcquireTokenByCredential(ctx, s.scopes)
	if err != nil {
		return res, appError(ctx, err, s.mode, s.secrets()...)
	}
	s.last = res.AccessToken
	return res, nil
}

func (s *appSource) status(ctx context.Context) (*StatusInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.acquire(ctx, false)
	if err != nil {
		return nil, err
	}
	return &StatusInfo{
		Mode:          s.mode,
		Tenant:        s.tenant,
		Cloud:         s.cfg.Cloud,
		ClientID:      s.clientID,
		AuthorityHost: s.cfg.AuthorityHost,
		ExpiresOn:     res.ExpiresOn,
		Scopes:        s.scopes,
	}, nil
}
